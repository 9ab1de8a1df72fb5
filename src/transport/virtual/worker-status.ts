// The few words of VM-worker state the host thread reads without asking (the worker may be busy).
export const STATUS_WORDS = 1;
/** 1 while the VM executes code (REPL input, a program, start-up scripts); 0 while idle or booting. */
export const STATUS_RUNNING = 0;
