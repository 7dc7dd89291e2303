import ChipSimAVX2
import ChipSimAVX512
import ChipSimBlockTypes
import Foundation

/// Which implementation of the neuron kernels a core runs. Every set gives bit-for-bit the same
/// results (the tests hold them to it); they differ in speed only.
///
/// The block kernels update the LIF models eight neurons at a time (S16.15 IF_curr_exp sixteen at
/// a time in 32-bit lanes where its state is within bounds), in S16.15 falling back to the scalar
/// loop for any block in which a value saturates. Izhikevich runs its scalar loop under every set.
public enum KernelSet: String, Sendable, CaseIterable {
    /// Portable scalar loops, for any CPU.
    case scalar
    /// The block kernels compiled for AVX2 (x86-64-v3, Haswell and later; module `ChipSimAVX2`).
    case avx2
    /// The block kernels compiled for AVX-512 (F, DQ, BW, VL; module `ChipSimAVX512`).
    case avx512

    /// The fastest set this host can run.
    public static let best: KernelSet = allCases.last { $0.isSupported } ?? .scalar

    /// Whether this host can run the set.
    public var isSupported: Bool { HostCPU.flags.isSuperset(of: requiredFlags) }

    /// Why this host cannot run the set (the features it lacks) and the fastest set it runs, for
    /// error messages; nil where it runs the set.
    public var unsupportedReason: String? {
        let missing = missingFlags(hostFlags: HostCPU.flags)
        guard !missing.isEmpty else { return nil }
        return "the \(rawValue) kernels need CPU features this one lacks (\(missing.joined(separator: ", "))); the fastest it runs is \(Self.best.rawValue)"
    }

    /// The flags of ``requiredFlags`` that a CPU with `hostFlags` lacks, sorted: empty where it runs the set.
    func missingFlags(hostFlags: Set<Substring>) -> [Substring] { requiredFlags.subtracting(hostFlags).sorted() }

    /// The `/proc/cpuinfo` flags of the instruction set the set's module is compiled for.
    public var requiredFlags: Set<Substring> {
        let avx2: Set<Substring> = ["avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "abm", "popcnt"]
        switch self {
        case .scalar: return []
        case .avx2: return avx2
        case .avx512: return avx2.union(["avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512cd"])
        }
    }
}

extension KernelSet {
    /// The set's S16.15 LIF block kernel (``ChipSimAVX512/updateFixedLIFBlocks(_:_:riseE:riseI:from:to:)``), nil for `scalar`.
    var fixedLIFBlocks: ((UnsafePointer<FixedLIFBlockConstants>, BlockBuffers<Int32, UInt16>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>,
                          Int, Int) -> (stop: Int, fired: Bool))? {
        switch self {
        case .scalar: return nil
        case .avx2: return { ChipSimAVX2.updateFixedLIFBlocks($0, $1, riseE: $2, riseI: $3, from: $4, to: $5) }
        case .avx512: return { ChipSimAVX512.updateFixedLIFBlocks($0, $1, riseE: $2, riseI: $3, from: $4, to: $5) }
        }
    }

    /// The set's 32-bit S16.15 kernel alone (IF_curr_exp, IF_curr_delta, IF_curr_alpha;
    /// ``ChipSimAVX512/updateFixedLIFNarrowBlocks(_:_:riseE:riseI:from:to:)``), the first stage of
    /// ``fixedLIFBlocks``; nil for `scalar`. The constants' narrow bounds must be nonzero.
    var fixedLIFNarrowBlocks: ((UnsafePointer<FixedLIFBlockConstants>, BlockBuffers<Int32, UInt16>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>,
                                Int, Int) -> (stop: Int, fired: Bool))? {
        switch self {
        case .scalar: return nil
        case .avx2: return { ChipSimAVX2.updateFixedLIFNarrowBlocks($0, $1, riseE: $2, riseI: $3, from: $4, to: $5) }
        case .avx512: return { ChipSimAVX512.updateFixedLIFNarrowBlocks($0, $1, riseE: $2, riseI: $3, from: $4, to: $5) }
        }
    }

    /// The set's `float64` IF_curr_exp block kernel, nil for `scalar`.
    var exactLIFBlocks: ((ExactLIFBlockConstants, BlockBuffers<Double, Double>, Int) -> (done: Int, fired: Bool))? {
        switch self {
        case .scalar: return nil
        case .avx2: return { ChipSimAVX2.updateExactLIFBlocks($0, $1, count: $2) }
        case .avx512: return { ChipSimAVX512.updateExactLIFBlocks($0, $1, count: $2) }
        }
    }

    /// The set's `float64` IF_curr_alpha block kernel (Brian2's exact propagator), nil for `scalar`.
    var exactAlphaBlocks: ((ExactAlphaBlockConstants, BlockBuffers<Double, Double>, UnsafeMutablePointer<Double>,
                            UnsafeMutablePointer<Double>, Int) -> (done: Int, fired: Bool))? {
        switch self {
        case .scalar: return nil
        case .avx2: return { ChipSimAVX2.updateExactAlphaBlocks($0, $1, riseE: $2, riseI: $3, count: $4) }
        case .avx512: return { ChipSimAVX512.updateExactAlphaBlocks($0, $1, riseE: $2, riseI: $3, count: $4) }
        }
    }

    /// The set's `float64` block kernel of the chip's LIF (input held over the step), nil for `scalar`.
    var heldInputBlocks: ((HeldInputBlockConstants, BlockBuffers<Double, Double>, UnsafeMutablePointer<Double>,
                           UnsafeMutablePointer<Double>, Int) -> (done: Int, fired: Bool))? {
        switch self {
        case .scalar: return nil
        case .avx2: return { ChipSimAVX2.updateHeldInputBlocks($0, $1, riseE: $2, riseI: $3, count: $4) }
        case .avx512: return { ChipSimAVX512.updateHeldInputBlocks($0, $1, riseE: $2, riseI: $3, count: $4) }
        }
    }

    /// The set's `float64` IF_cond_exp / IF_cond_alpha block kernel (Brian2's exponential Euler), nil for `scalar`.
    var exponentialEulerBlocks: ((ExponentialEulerBlockConstants, BlockBuffers<Double, Double>, UnsafeMutablePointer<Double>,
                                  UnsafeMutablePointer<Double>, Int) -> (done: Int, fired: Bool))? {
        switch self {
        case .scalar: return nil
        case .avx2: return { ChipSimAVX2.updateExponentialEulerBlocks($0, $1, riseE: $2, riseI: $3, count: $4) }
        case .avx512: return { ChipSimAVX512.updateExponentialEulerBlocks($0, $1, riseE: $2, riseI: $3, count: $4) }
        }
    }
}

/// What the host CPU offers, read once from the operating system.
enum HostCPU {
    /// The CPU's feature flags as the kernel lists them: Linux lists a feature in `/proc/cpuinfo`
    /// only when it has enabled its register state. Empty elsewhere (only the scalar set runs).
    static let flags: Set<Substring> = {
        #if arch(x86_64) && os(Linux)
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }))
        #else
        return []
        #endif
    }()
}
