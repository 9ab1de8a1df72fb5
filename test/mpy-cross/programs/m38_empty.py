# Nothing but a comment: the smallest module.
