/* log: the shim's only way to speak: one line to stderr through a stack
 * buffer and write(2), because its callers may be inside malloc. */
#ifndef ALLOCPROF_LOG_H
#define ALLOCPROF_LOG_H

/* Supports %s %d %u %ld %lu %lld %llu %zu %x %lx %llx %% — nothing else. */
__attribute__((format(printf, 1, 2))) void log_line(const char *fmt, ...);
/* The same, into a caller's buffer; returns the length (truncates). */
__attribute__((format(printf, 3, 4))) int log_format(char *buf, int size, const char *fmt, ...);

#endif
