#ifndef NEURITE_CPREFETCH_H
#define NEURITE_CPREFETCH_H

/// A software prefetch of the cache line holding `address` into every cache level, for reading
/// (`__builtin_prefetch(address, 0, 3)`). Swift has no prefetch instruction of its own; this
/// header and CCRC32's checksum are the only C in the chip model. A prefetch never faults, so
/// `address` may lie anywhere.
static inline __attribute__((always_inline)) void neurite_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
