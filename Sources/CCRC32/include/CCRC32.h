#ifndef NEURITE_CCRC32_H
#define NEURITE_CCRC32_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU can run `neurite_crc32_fold` (x86-64 with PCLMULQDQ and SSE4.1).
int neurite_crc32_fold_available(void);

/// Continues the reflected CRC-32 (polynomial 0xEDB88320, as zlib) over `length` bytes at
/// `bytes` from the running value `crc` (the register before its final inversion), and returns
/// the new running value. `length` must be at least 64 and a multiple of 16; only where
/// `neurite_crc32_fold_available()`. Folds 64 bytes a step by carry-less multiplication
/// (Gopal et al., "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ", Intel 2009),
/// then reduces 128 bits to 32 by Barrett reduction.
uint32_t neurite_crc32_fold(uint32_t crc, const uint8_t *bytes, size_t length);

#endif
