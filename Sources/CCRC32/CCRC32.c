#include "CCRC32.h"

#if defined(__x86_64__)
#include <immintrin.h>

int neurite_crc32_fold_available(void) {
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
}

// The folding constants of the reflected CRC-32 (Intel's paper, section "reflected"): x^(4·128+32)
// and x^(4·128−32) mod P for the 4-way fold, x^(128+32) and x^(128−32) for the 1-way fold, x^64
// mod P, and P with its Barrett constant μ, all bit-reflected.
#define FOLD4_LOW   0x0154442bd4ULL
#define FOLD4_HIGH  0x01c6e41596ULL
#define FOLD1_LOW   0x01751997d0ULL
#define FOLD1_HIGH  0x00ccaa009eULL
#define FOLD64      0x0163cd6124ULL
#define POLY        0x01db710641ULL
#define MU          0x01f7011641ULL

__attribute__((target("pclmul,sse4.1")))
static inline __m128i fold(__m128i x, __m128i k, __m128i next) {
    __m128i low = _mm_clmulepi64_si128(x, k, 0x00), high = _mm_clmulepi64_si128(x, k, 0x11);
    return _mm_xor_si128(_mm_xor_si128(low, high), next);
}

__attribute__((target("pclmul,sse4.1")))
uint32_t neurite_crc32_fold(uint32_t crc, const uint8_t *bytes, size_t length) {
    const __m128i k4 = _mm_set_epi64x(FOLD4_HIGH, FOLD4_LOW), k1 = _mm_set_epi64x(FOLD1_HIGH, FOLD1_LOW);
    __m128i x1 = _mm_loadu_si128((const __m128i *)(bytes + 0));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(bytes + 16));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(bytes + 32));
    __m128i x4 = _mm_loadu_si128((const __m128i *)(bytes + 48));
    x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)crc));
    bytes += 64;
    length -= 64;
    // Four lanes of 128 bits, each folded 512 bits ahead onto the next block's.
    while (length >= 64) {
        x1 = fold(x1, k4, _mm_loadu_si128((const __m128i *)(bytes + 0)));
        x2 = fold(x2, k4, _mm_loadu_si128((const __m128i *)(bytes + 16)));
        x3 = fold(x3, k4, _mm_loadu_si128((const __m128i *)(bytes + 32)));
        x4 = fold(x4, k4, _mm_loadu_si128((const __m128i *)(bytes + 48)));
        bytes += 64;
        length -= 64;
    }
    // The four lanes into one, then the remaining blocks of 16 bytes.
    x1 = fold(x1, k1, x2);
    x1 = fold(x1, k1, x3);
    x1 = fold(x1, k1, x4);
    while (length >= 16) {
        x1 = fold(x1, k1, _mm_loadu_si128((const __m128i *)bytes));
        bytes += 16;
        length -= 16;
    }
    // 128 bits to 64, then Barrett reduction to 32.
    const __m128i low32 = _mm_setr_epi32(~0, 0, ~0, 0);
    __m128i x = _mm_xor_si128(_mm_clmulepi64_si128(x1, k1, 0x10), _mm_srli_si128(x1, 8));
    x = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x, low32), _mm_set_epi64x(0, FOLD64), 0x00), _mm_srli_si128(x, 4));
    const __m128i pmu = _mm_set_epi64x(MU, POLY);
    __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x, low32), pmu, 0x10);
    t = _mm_clmulepi64_si128(_mm_and_si128(t, low32), pmu, 0x00);
    return (uint32_t)_mm_extract_epi32(_mm_xor_si128(x, t), 1);
}

#else

int neurite_crc32_fold_available(void) { return 0; }

uint32_t neurite_crc32_fold(uint32_t crc, const uint8_t *bytes, size_t length) {
    (void)bytes;
    (void)length;
    return crc;
}

#endif
