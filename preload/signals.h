/* signals: what the shim does with signals, each only where the program left
 * the default action: the dump signal (ALLOCPROF_SIGNAL), the signals that end
 * a program (profile written, then the same death), crashes
 * (ALLOCPROF_ON_CRASH), and the alternate stack a crash handler needs when
 * the stack itself overflowed. */
#ifndef ALLOCPROF_SIGNALS_H
#define ALLOCPROF_SIGNALS_H

/* Once, at start-up, after the configuration is read. */
void signals_install(void);
/* A thread that starts recording gets an alternate signal stack (crash mode
 * only, and only if it has none of its own); it gives it back when it ends. */
void signals_thread_start(void);
void signals_thread_exit(void);

#endif
