// swift-tools-version:6.0
import PackageDescription

// The block kernels are compiled once per instruction set and called only on hosts that have it.
#if arch(x86_64)
let avx512Settings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "skylake-avx512"])]
let avx2Settings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let avx512Settings: [SwiftSetting] = []
let avx2Settings: [SwiftSetting] = []
#endif

// The movie generator and the trainers are loops over millions of floats: optimised in debug
// builds too, so that the tests that make movies or train run in seconds, not minutes.
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "Neurite",
    products: [
        .executable(name: "neurite", targets: ["CLI"]),
        .library(name: "ChipSim", targets: ["ChipSim"]),
        .library(name: "NeuriteCompiler", targets: ["Compiler"]),
        .library(name: "NeuriteRuntime", targets: ["Runtime"]),
        .library(name: "NeuriteDelayLearning", targets: ["DelayLearning"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The hardware: machine description, chip image, core models, router. Knows nothing of YAML.
        .target(name: "ChipSim", dependencies: ["ChipSimBlockTypes", "ChipSimAVX512", "ChipSimAVX2", "CPrefetch", "CCRC32"]),
        // A software prefetch (one inline C function): the synaptic delivery's look-ahead.
        .target(name: "CPrefetch"),
        // CRC-32 by carry-less multiplication (one C function, for the CPUs that have it): the
        // check of a chip image's sections.
        .target(name: "CCRC32"),
        // The state and constants the block kernels take, compiled for any CPU.
        .target(name: "ChipSimBlockTypes"),
        // ChipSim's LIF updates eight neurons at a time, compiled for AVX-512 and (from the same
        // files, linked) for AVX2; their only dependant checks the CPU first.
        .target(name: "ChipSimAVX512", dependencies: ["ChipSimBlockTypes"], swiftSettings: avx512Settings),
        .target(name: "ChipSimAVX2", dependencies: ["ChipSimBlockTypes"], swiftSettings: avx2Settings),
        // Front ends and lowering passes onto a MachineDescription. Knows nothing of threads.
        .target(name: "Compiler", dependencies: ["ChipSim", .product(name: "Yams", package: "Yams")]),
        // libzmq as a system library, for live I/O and multi-process runs (DESIGN §5.4, §5.5). Debian puts
        // zmq.h on the default include path; pkg-config is not asked, because libzmq.pc's private
        // requirements add -isystem flags that SwiftPM warns about on every build.
        .systemLibrary(name: "CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        // Executing an image: cores on worker threads, recording, the run directory.
        .target(name: "Runtime", dependencies: ["ChipSim", "CZeroMQ"]),
        // The hippocampal CA3 content-addressable memory (Casanueva-Morato et al. 2024): its network,
        // an operations format for memory experiments, and the answers read off its output.
        .target(name: "HippocampusCAM", dependencies: ["ChipSim", "Compiler", "Runtime", .product(name: "Yams", package: "Yams")]),
        // The `neurite` executable. Thin.
        .executableTarget(
            name: "CLI",
            dependencies: [
                "ChipSim", "Compiler", "Runtime", "HippocampusCAM", "DelayLearning", "HDSNNChip", "CrossbarClassifier",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Release-build benchmark of one crossbar tile (Benchmarks/crossbar.sh).
        .executableTarget(name: "CrossbarBench", dependencies: ["ChipSim"], path: "Benchmarks/CrossbarBench"),
        // Release-build benchmark of the live I/O round trip per lock-step tick (Benchmarks/live.sh).
        .executableTarget(name: "LiveBench", dependencies: ["Runtime", "CZeroMQ"], path: "Benchmarks/LiveBench"),
        // Whether the machine's two CPUs run independently at the moment (Benchmarks/compare.sh).
        .executableTarget(name: "HostProbe", path: "Benchmarks/HostProbe"),
        .executableTarget(name: "CAMBench", dependencies: ["HippocampusCAM", "Runtime", "ChipSim"], path: "Benchmarks/CAMBench"),
        // HD-SNN: synthetic event movies, training of the heterogeneous-delay kernel, offline evaluation,
        // the model file the chip path loads. Takes only ChipSim's seeded RandomStream.
        .target(name: "DelayLearning", dependencies: ["ChipSim"], swiftSettings: optimisedInDebug),
        .target(name: "HDSNNChip", dependencies: ["DelayLearning", "ChipSim", "Compiler", "Runtime"]),
        // A one-layer spiking classifier on the digital and the crossbar target: data, offline
        // training, the sweep over crossbar nonidealities, its table and plot.
        .target(name: "CrossbarClassifier", dependencies: ["ChipSim", "Compiler", "Runtime"], swiftSettings: optimisedInDebug),
        // Random networks for the property tests of the compiler and the runtime.
        .target(name: "NeuriteTestSupport", dependencies: ["ChipSim"], path: "Tests/Support"),
        .testTarget(name: "ChipSimTests", dependencies: ["ChipSim"]),
        .testTarget(name: "CompilerTests", dependencies: ["Compiler", "ChipSim", "NeuriteTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Compiler", "ChipSim", "NeuriteTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CLITests", dependencies: ["CLI"]),
        .testTarget(name: "HippocampusCAMTests", dependencies: ["HippocampusCAM", "Runtime", "ChipSim"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CrossbarTests", dependencies: ["ChipSim", "Compiler", "CrossbarClassifier"]),
        .testTarget(name: "DelayLearningTests", dependencies: ["DelayLearning"]),
        .testTarget(name: "HDSNNChipTests", dependencies: ["HDSNNChip", "DelayLearning", "Runtime", "ChipSim"]),
    ],
    swiftLanguageModes: [.v5]
)
