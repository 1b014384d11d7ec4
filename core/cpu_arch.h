/* The processor this build runs on, as the preprocessor sees it, and the two decisions that
 * depend on it: the arch name the host facts report, and whether plain loads already have
 * acquire order (x86 and x64 keep loads in order) or a reader of published data needs a
 * barrier (arm64, and any other processor, to be safe). One table, so the shim's three
 * lock-free readers and the host facts cannot disagree; the ESH_CPU_* values are macros so
 * that `#if` can use them, and tests check the table for every processor on any host. */
#ifndef ESH_CPU_ARCH_H
#define ESH_CPU_ARCH_H

#define ESH_CPU_OTHER 0
#define ESH_CPU_X86 1
#define ESH_CPU_X64 2
#define ESH_CPU_ARM64 3

#if defined(_M_ARM64) || defined(__aarch64__)
#define ESH_CPU_THIS ESH_CPU_ARM64
#elif defined(_M_X64) || defined(__x86_64__)
#define ESH_CPU_THIS ESH_CPU_X64
#elif defined(_M_IX86) || defined(__i386__)
#define ESH_CPU_THIS ESH_CPU_X86
#else
#define ESH_CPU_THIS ESH_CPU_OTHER
#endif

/* 1 where plain loads are acquire loads (no barrier needed after reading a published flag). */
#define ESH_CPU_LOADS_ACQUIRE(cpu) ((cpu) == ESH_CPU_X86 || (cpu) == ESH_CPU_X64)
/* 1 where plain stores are release stores (stores become visible in program order: a
 * record's first word stored last publishes the rest without a barrier). */
#define ESH_CPU_STORES_RELEASE(cpu) ((cpu) == ESH_CPU_X86 || (cpu) == ESH_CPU_X64)

/* The host-facts name of a processor: "x86", "x64", "arm64", else "unknown". */
static inline const char *esh_cpu_name(int cpu)
{
    switch (cpu) {
    case ESH_CPU_X86: return "x86";
    case ESH_CPU_X64: return "x64";
    case ESH_CPU_ARM64: return "arm64";
    default: return "unknown";
    }
}

#endif
