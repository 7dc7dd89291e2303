import Foundation

/// Which implementation of the neuron kernels a core runs. Every set gives bit-for-bit the same
/// results (the tests hold them to it); they differ in speed only.
public enum KernelSet: String, Sendable, CaseIterable {
    /// Portable scalar loops, for any CPU.
    case scalar
    /// The LIF updates eight neurons at a time in AVX-512 lanes (module `ChipSimAVX512`): S16.15
    /// IF_curr_exp and IF_cond_exp, falling back to the scalar loop for any block in which a value
    /// saturates, and `float64` IF_curr_exp. The other models run their scalar loops.
    case avx512

    /// The fastest set this host can run.
    public static let best: KernelSet = HostCPU.hasAVX512 ? .avx512 : .scalar

    /// Whether this host can run the set.
    public var isSupported: Bool { self == .scalar || HostCPU.hasAVX512 }
}

/// What the host CPU offers, read once from the operating system.
enum HostCPU {
    /// AVX-512 F, DQ, BW and VL, as enabled by the kernel (Linux lists a feature in
    /// `/proc/cpuinfo` only when it has enabled its register state).
    static let hasAVX512: Bool = {
        #if arch(x86_64) && os(Linux)
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
        let present = Set(flags.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }))
        return ["avx512f", "avx512dq", "avx512bw", "avx512vl"].allSatisfy { present.contains(Substring($0)) }
        #else
        return false
        #endif
    }()
}
