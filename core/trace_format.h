/* The binary trace esentshim.dll writes (docs/recording.md): a file header, then regions
 * of records, each region written by one thread only. The shim writes it on the calling
 * thread with plain copies; core/trace_decode.c turns it into scenario text. Every field
 * is little-endian (Windows); the decoder reads them byte by byte, so it runs anywhere.
 *
 * Crash safety: a record's first word (its size and kind) is stored last, after the rest
 * of the record, so a reader sees either a whole record or a zero word (the end of what
 * the region holds). A thread never writes another thread's region. */
#ifndef ESH_TRACE_FORMAT_H
#define ESH_TRACE_FORMAT_H

#include <stdint.h>

/* The file's first 8 bytes. The NUL keeps a text reader from taking it for a scenario. */
#define TRACE_MAGIC "ESHTRC\x1a"
#define TRACE_MAGIC_BYTES 8
#define TRACE_VERSION 1

/* Region 0 is the header (fixed fields, then the scenario's prelude text); thread regions
 * follow, each TRACE_REGION_BYTES long (the 64 KB a view of a file can be mapped by).
 * A region may hold several runs: a thread that ended hands the rest of its region to a
 * new thread, which starts its run with its own region record. A run whose thread and
 * ordinal were seen already is a copy (the recorder copies a full region out before it
 * reuses it) and is skipped. Records are followed by a zero word, so a reader never
 * reads past the last record into older bytes of a reused region. */
#define TRACE_REGION_BYTES 65536u

/* Fixed header fields, by byte offset. */
enum {
    TRACE_H_MAGIC = 0,              /* 8 bytes */
    TRACE_H_VERSION = 8,            /* u32 */
    TRACE_H_REGION_BYTES = 12,      /* u32: also the header's own size (region 0) */
    TRACE_H_POINTER_BYTES = 16,     /* u32: 4 for an x86 process, 8 for x64 */
    TRACE_H_PAGE_SIZE = 20,         /* u32: the recording host's page size (buffer alignment) */
    TRACE_H_TEXT_OFFSET = 24,       /* u32: the prelude text (header comments, scenario, purpose, evidence) */
    TRACE_H_TEXT_BYTES = 28,        /* u32 */
    TRACE_H_CLOCK_START = 32,       /* u64: the record clock (x86/x64: the CPU's time-stamp counter) at start */
    TRACE_H_COUNTER_START = 40,     /* u64: QueryPerformanceCounter at start */
    TRACE_H_COUNTER_FREQUENCY = 48, /* u64: QueryPerformanceFrequency */
    TRACE_H_CLOCK_END = 56,         /* u64: clock at a clean close (0 before) */
    TRACE_H_COUNTER_END = 64,       /* u64: counter at a clean close */
    TRACE_H_CLOSED = 72,            /* u32: 1 once the process ended normally (written last) */
    TRACE_H_NAMES_OFFSET = 76,      /* u32: the recorder's function names, NUL-separated, in api id order */
    TRACE_H_NAMES_BYTES = 80,       /* u32 (ids in records are indexes into this list, so a trace
                                     * decodes with a harness whose API table differs) */
    TRACE_H_STOPPED = 84,           /* u32: 1 when recording stopped because the trace was full */
    TRACE_H_CLOCK_CALIB = 88,       /* u64: clock and counter read back to back ~1 ms after start */
    TRACE_H_COUNTER_CALIB = 96,     /* u64 */
    TRACE_H_FIXED_BYTES = 128       /* room for fields a later version adds */
};

/* Record kinds. A decoder skips a kind it does not know (the size word says how far). */
enum {
    TRACE_REC_REGION = 1,     /* the first record of every thread region */
    TRACE_REC_CALL_START = 2, /* a call, before it is forwarded */
    TRACE_REC_CALL_END = 3,   /* the same call after it returned */
    TRACE_REC_ROOTS = 16,     /* (reserved) folders the process named (current directory, path arguments) */
    TRACE_REC_STATE = 17,     /* a file the process found, or a piece of its bytes (below) */
};

/* Every record: u32 word = size (bytes, a multiple of 4, < 2^24) | kind << 24. Records
 * are compact (varints), because on the machines measured a trace costs ~1 ns per byte
 * to get into the page cache, more than the copying. */
#define TRACE_REC_WORD(size, kind) ((uint32_t)(size) | ((uint32_t)(kind) << 24))
#define TRACE_REC_SIZE(word) ((word) & 0xFFFFFFu)
#define TRACE_REC_KIND(word) ((word) >> 24)
#define TRACE_REC_ALIGN 4u

/* A varint: 7 bits a byte, least significant first, the high bit set on every byte but
 * the last (at most 10 bytes). Signed values are zigzag-coded: 0, -1, 1, -2 ... as 0, 1,
 * 2, 3 ... */
#define TRACE_VARINT_MAX 10 /* the zigzag macros read their argument twice */
#define TRACE_ZIGZAG(v) (((uint64_t)(v) << 1) ^ (uint64_t)((int64_t)(v) >> 63))
#define TRACE_UNZIGZAG(u) ((int64_t)((u) >> 1) ^ -(int64_t)((u) & 1))

/* REGION, 32 bytes: word, u32 thread id, u32 thread serial (unique per thread of the
 * process: thread ids are reused), u32 ordinal (this thread's runs 0, 1, ...), u64 clock
 * (where the run's clock deltas start), u64 counter (read back to back with the clock:
 * the decoder's clock rate). */
enum { TRACE_REGION_TID = 4, TRACE_REGION_SERIAL = 8, TRACE_REGION_ORDINAL = 12, TRACE_REGION_CLOCK = 16,
       TRACE_REGION_COUNTER = 24, TRACE_REGION_RECORD_BYTES = 32 };

/* CALL_START: word, u16 api id, u8 slots, u8 items, then varint zigzag clock delta (from
 * the run's previous record, or its region record), varint slots[slots] (the raw argument
 * slots as the caller passed them), then items. */
enum { TRACE_START_API = 4, TRACE_START_NSLOTS = 6, TRACE_START_NITEMS = 7, TRACE_START_BODY = 8 };

/* CALL_END: word, u8 flags, u8 items, u16 zero, then varint zigzag code, varint zigzag
 * clock delta, then items. An end belongs to the innermost call of its thread that has
 * started and not ended (calls nest on a thread only through ESENT's callbacks). */
enum { TRACE_END_FLAGS = 4, TRACE_END_NITEMS = 5, TRACE_END_BODY = 8 };
#define TRACE_END_UNRESOLVED 1u /* the target lacks the function: not called */

/* An item: u8 parameter index, u8 type, then a VALUE's varint, or a string's (or bytes')
 * varint length and its bytes; UNREADABLE has nothing more. Start items hold what the
 * call may overwrite or what lives behind a pointer (a value behind an in/out pointer, a
 * string); end items hold what the call wrote. */
enum {
    TRACE_ITEM_VALUE = 1,      /* the bytes behind a pointer as an unsigned number (zero-extended) */
    TRACE_ITEM_UNREADABLE = 2, /* the pointer could not be read */
    TRACE_ITEM_UTF8 = 3,       /* a string as UTF-8, without its NUL */
    TRACE_ITEM_UTF16 = 4,      /* a wide string's UTF-16 units (little-endian), without the NUL */
    TRACE_ITEM_BYTES = 5,      /* (reserved for issue 10) bytes an output buffer received */
};
/* STATE (docs/recording.md "State"): the files an instance finds, written on the calling
 * thread before the call that found them (a JetInit* for the files in the instance's
 * folders, a JetAttachDatabase* for a database found elsewhere). Head: word, u8 what, three
 * zero bytes, u32 file (the process's number for the file, from 1), then by what:
 *  FILE:   varint size (the bytes it held when found), varint status, varint detail (the
 *          limit, or the Windows error), varint api id (the call it was found at), varint
 *          length and the file's full path in UTF-8;
 *  PIECE:  varint offset (in the file), varint length, then that many of its bytes;
 *  FAILED: varint status, varint detail: the file's pieces stopped (a read failed).
 * A file is captured when its FILE says so, its pieces cover every byte and nothing failed. */
enum { TRACE_STATE_WHAT = 4, TRACE_STATE_FILE_NO = 8, TRACE_STATE_BODY = 12 };
enum { TRACE_STATE_FILE = 1, TRACE_STATE_PIECE = 2, TRACE_STATE_FAILED = 3 };
enum {
    TRACE_STATE_CAPTURED = 0,   /* its bytes follow in pieces */
    TRACE_STATE_OVER_LIMIT = 1, /* detail: ESENTSHIM_STATE_MAX_BYTES, which it would pass */
    TRACE_STATE_UNREADABLE = 2, /* detail: the Windows error of opening or reading it */
    TRACE_STATE_OFF = 3,        /* ESENTSHIM_STATE_MAX_BYTES=0: capture is off */
    TRACE_STATE_WRITTEN = 4,    /* written since the process started: its own doing, not state */
};
#define TRACE_STATE_DEFAULT_MAX_BYTES ((uint64_t)64 << 20)

#define TRACE_ITEM_CUT 0x80u       /* or'ed into the type: the string was cut at TRACE_STRING_MAX */
#define TRACE_STRING_MAX 1023      /* characters (units) kept of a string */

#endif
