/* Synthetic binary traces for the decoder's tests and the fuzzer's seeds: the layout of
 * core/trace_format.h written field by field, regions handed to threads as they fill,
 * as the shim does. Header-only (tests include it once). */
#ifndef ESH_TRACE_BUILDER_H
#define ESH_TRACE_BUILDER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "trace_format.h"

typedef struct tb_trace {
    unsigned char *p;
    size_t len, cap;
    uint32_t region_bytes;
} tb_trace;

typedef struct tb_thread {
    uint32_t serial, tid, ordinal;
    size_t at, limit; /* where the next record goes in the current region; 0: none yet */
    uint32_t seq;
    uint64_t clock; /* at the thread's last record (records hold the step) */
} tb_thread;

typedef struct tb_items {
    unsigned char buf[8192];
    size_t len;
    unsigned n;
} tb_items;

static void tb_put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}
static void tb_put64(unsigned char *p, uint64_t v)
{
    tb_put32(p, (uint32_t)v);
    tb_put32(p + 4, (uint32_t)(v >> 32));
}

static void tb_grow(tb_trace *t, size_t len)
{
    if (len > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < len)
            cap *= 2;
        t->p = realloc(t->p, cap);
        memset(t->p + t->cap, 0, cap - t->cap);
        t->cap = cap;
    }
    if (len > t->len)
        t->len = len;
}

/* The header: REGION_BYTES, POINTER_BYTES, the prelude text and the function names. */
static void tb_begin(tb_trace *t, uint32_t region_bytes, uint32_t pointer_bytes, const char *prelude)
{
    memset(t, 0, sizeof *t);
    t->region_bytes = region_bytes;
    tb_grow(t, region_bytes);
    memcpy(t->p, TRACE_MAGIC, TRACE_MAGIC_BYTES);
    tb_put32(t->p + TRACE_H_VERSION, TRACE_VERSION);
    tb_put32(t->p + TRACE_H_REGION_BYTES, region_bytes);
    tb_put32(t->p + TRACE_H_POINTER_BYTES, pointer_bytes);
    tb_put32(t->p + TRACE_H_PAGE_SIZE, 4096);
    size_t at = TRACE_H_FIXED_BYTES, n = strlen(prelude);
    tb_put32(t->p + TRACE_H_TEXT_OFFSET, (uint32_t)at);
    tb_put32(t->p + TRACE_H_TEXT_BYTES, (uint32_t)n);
    memcpy(t->p + at, prelude, n);
    at += n;
    /* Names: the functions the tests call by name, the others empty (unknown), so that a
     * small header still holds the list. */
    static const api_id used[] = {API_ID_JetCreateInstanceA, API_ID_JetInit, API_ID_JetStopBackupInstance,
                                  API_ID_JetGetSystemParameterA, API_ID_JetOpenFileInstanceW,
                                  API_ID_JetOpenFileSectionInstanceA, API_ID_JetReadFileInstance};
    size_t names_at = at;
    for (int id = 0; id < API_COUNT; id++) {
        const char *name = "";
        for (size_t k = 0; k < sizeof used / sizeof used[0]; k++)
            if (used[k] == (api_id)id)
                name = api_functions[id].name;
        size_t k = strlen(name) + 1;
        if (at + k > region_bytes)
            break;
        memcpy(t->p + at, name, k);
        at += k;
    }
    tb_put32(t->p + TRACE_H_NAMES_OFFSET, (uint32_t)names_at);
    tb_put32(t->p + TRACE_H_NAMES_BYTES, (uint32_t)(at - names_at));
    tb_put64(t->p + TRACE_H_CLOCK_START, 1000);
    tb_put64(t->p + TRACE_H_COUNTER_START, 0);
    tb_put64(t->p + TRACE_H_COUNTER_FREQUENCY, 1000000);
    /* 1000 clock ticks a microsecond */
    tb_put64(t->p + TRACE_H_CLOCK_CALIB, 1000 + 1000000);
    tb_put64(t->p + TRACE_H_COUNTER_CALIB, 1000);
}

static void tb_close(tb_trace *t)
{
    tb_put32(t->p + TRACE_H_CLOSED, 1);
}

static unsigned char *tb_varint(unsigned char *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

/* An item: a VALUE's DATA is its 8 bytes (little-endian); a string's its bytes. */
static void tb_item(tb_items *it, unsigned param, unsigned type, const void *data, size_t n)
{
    unsigned char *p = it->buf + it->len;
    *p++ = (unsigned char)param;
    *p++ = (unsigned char)type;
    if (type == TRACE_ITEM_VALUE) {
        uint64_t v = 0;
        for (int i = 7; i >= 0; i--)
            v = v << 8 | ((const unsigned char *)data)[i];
        p = tb_varint(p, v);
    } else if (type != TRACE_ITEM_UNREADABLE) {
        p = tb_varint(p, n);
        if (n > 0)
            memcpy(p, data, n);
        p += n;
    }
    it->len = (size_t)(p - it->buf);
    it->n++;
}
static void tb_item_value(tb_items *it, unsigned param, uint64_t v)
{
    unsigned char b[8];
    tb_put64(b, v);
    tb_item(it, param, TRACE_ITEM_VALUE, b, 8);
}

/* Room for SIZE bytes in TH's region, a new region taken when it is full. */
static unsigned char *tb_room(tb_trace *t, tb_thread *th, size_t size)
{
    if (th->at == 0 || th->at + size > th->limit) {
        size_t base = (t->len + t->region_bytes - 1) / t->region_bytes * t->region_bytes;
        tb_grow(t, base + t->region_bytes);
        unsigned char *r = t->p + base;
        tb_put32(r + TRACE_REGION_TID, th->tid);
        tb_put32(r + TRACE_REGION_SERIAL, th->serial);
        tb_put32(r + TRACE_REGION_ORDINAL, th->at == 0 ? 0 : ++th->ordinal);
        tb_put64(r + TRACE_REGION_CLOCK, th->clock);
        tb_put32(r, TRACE_REC_WORD(TRACE_REGION_RECORD_BYTES, TRACE_REC_REGION));
        th->at = base + TRACE_REGION_RECORD_BYTES;
        th->limit = base + t->region_bytes;
    }
    unsigned char *p = t->p + th->at;
    th->at += size;
    return p;
}

/* FROM ended: TO (a new thread) goes on in the rest of FROM's region, as the shim hands
 * an ended thread's region on. */
static void tb_hand_over(tb_trace *t, tb_thread *from, tb_thread *to)
{
    unsigned char *r = t->p + from->at;
    tb_put32(r + TRACE_REGION_TID, to->tid);
    tb_put32(r + TRACE_REGION_SERIAL, to->serial);
    tb_put32(r + TRACE_REGION_ORDINAL, 0);
    tb_put64(r + TRACE_REGION_CLOCK, from->clock);
    to->clock = from->clock;
    tb_put32(r, TRACE_REC_WORD(TRACE_REGION_RECORD_BYTES, TRACE_REC_REGION));
    to->at = from->at + TRACE_REGION_RECORD_BYTES;
    to->limit = from->limit;
    from->at = from->limit;
}

/* Copies the record body BODY (N bytes, after the 4-byte word) into TH's region, padded,
 * then stores the word. */
static void tb_record(tb_trace *t, tb_thread *th, unsigned kind, const unsigned char *body, size_t n)
{
    size_t size = (4 + n + TRACE_REC_ALIGN - 1) / TRACE_REC_ALIGN * TRACE_REC_ALIGN;
    unsigned char *r = tb_room(t, th, size + 4); /* room for the zero word after it */
    th->at -= 4;
    memcpy(r + 4, body, n);
    tb_put32(r, TRACE_REC_WORD(size, kind));
}

/* A call start at CLOCK; returns its sequence number (for tb_end). */
static uint32_t tb_start(tb_trace *t, tb_thread *th, api_id id, const uint64_t *slots, unsigned nslots,
                         uint64_t clock, const tb_items *items)
{
    unsigned char body[8192 + 256], *p = body + (TRACE_START_BODY - 4);
    body[0] = (unsigned char)id;
    body[1] = (unsigned char)(id >> 8);
    body[2] = (unsigned char)nslots;
    body[3] = (unsigned char)(items ? items->n : 0);
    p = tb_varint(p, TRACE_ZIGZAG((int64_t)(clock - th->clock)));
    for (unsigned k = 0; k < nslots; k++)
        p = tb_varint(p, slots[k]);
    if (items) {
        memcpy(p, items->buf, items->len);
        p += items->len;
    }
    tb_record(t, th, TRACE_REC_CALL_START, body, (size_t)(p - body)); /* a new region starts at the old clock */
    th->clock = clock;
    return th->seq++;
}

static void tb_end(tb_trace *t, tb_thread *th, api_id id, uint32_t seq, int32_t code, uint64_t clock,
                   const tb_items *items)
{
    unsigned char body[8192 + 64], *p = body + (TRACE_END_BODY - 4);
    (void)id;
    (void)seq; /* an end pairs with the innermost open call */
    body[0] = 0;
    body[1] = (unsigned char)(items ? items->n : 0);
    body[2] = body[3] = 0;
    p = tb_varint(p, TRACE_ZIGZAG((int64_t)code));
    p = tb_varint(p, TRACE_ZIGZAG((int64_t)(clock - th->clock)));
    if (items) {
        memcpy(p, items->buf, items->len);
        p += items->len;
    }
    tb_record(t, th, TRACE_REC_CALL_END, body, (size_t)(p - body));
    th->clock = clock;
}

/* STATE records (core/trace_format.h): a file's FILE record, a PIECE of its bytes, a FAILED. */
static inline size_t tb_state_head(unsigned char *body, unsigned what, uint32_t file)
{
    body[0] = (unsigned char)what;
    body[1] = body[2] = body[3] = 0;
    tb_put32(body + 4, file);
    return TRACE_STATE_BODY - 4;
}

static inline void tb_state_file(tb_trace *t, tb_thread *th, uint32_t file, const char *path, uint64_t size, unsigned status,
                          uint64_t detail, api_id found_at)
{
    unsigned char body[4096], *p = body + tb_state_head(body, TRACE_STATE_FILE, file);
    p = tb_varint(p, size);
    p = tb_varint(p, status);
    p = tb_varint(p, detail);
    p = tb_varint(p, (uint64_t)found_at);
    p = tb_varint(p, strlen(path));
    memcpy(p, path, strlen(path));
    p += strlen(path);
    tb_record(t, th, TRACE_REC_STATE, body, (size_t)(p - body));
}

static inline void tb_state_piece(tb_trace *t, tb_thread *th, uint32_t file, uint64_t offset, const void *bytes, size_t n)
{
    unsigned char body[8192], *p = body + tb_state_head(body, TRACE_STATE_PIECE, file);
    p = tb_varint(p, offset);
    p = tb_varint(p, n);
    memcpy(p, bytes, n);
    p += n;
    tb_record(t, th, TRACE_REC_STATE, body, (size_t)(p - body));
}

static inline void tb_state_failed(tb_trace *t, tb_thread *th, uint32_t file, unsigned status, uint64_t detail)
{
    unsigned char body[64], *p = body + tb_state_head(body, TRACE_STATE_FAILED, file);
    p = tb_varint(p, status);
    p = tb_varint(p, detail);
    tb_record(t, th, TRACE_REC_STATE, body, (size_t)(p - body));
}

#endif
