"""Module docstring: not stored by MicroPython."""

def documented(a):
    """Function docstring."""
    return a

class Doc:
    """Class docstring."""
    def method(self):
        """Method docstring."""
        return "m"

def only_doc():
    """Nothing but a docstring."""

print(documented(1), Doc().method(), only_doc())
