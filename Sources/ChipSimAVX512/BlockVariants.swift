import ChipSimBlockTypes

/// A block kernel's loop written once for every synaptic shape, step convention and input kind,
/// and compiled once per combination: each choice reaches the loop as a type whose static
/// value is a constant there, so the compiler drops the branches the combination does not take.
/// (A loop that tested the choices per block of eight ran CUBA 20k 6–9 % slower in `s1615` and
/// 5 % slower in `float64`; LLVM would neither unswitch it nor inline twelve copies of it.)
protocol BlockLoop {
    associatedtype Result
    /// The loop, for the combination `Shape`, `InputFirst`, `Conductance`.
    func run<Shape: StaticShape, InputFirst: StaticFlag, Conductance: StaticFlag>(
        _ shape: Shape.Type, _ inputFirst: InputFirst.Type, _ conductance: Conductance.Type) -> Result
}

extension BlockLoop {
    /// Runs the loop's copy for `shape`, `inputFirst` (the `spinnaker` convention: the slot joins
    /// the inputs before the membrane update) and `conductance`.
    @inline(__always)
    func run(shape: BlockSynapseShape, inputFirst: Bool, conductance: Bool) -> Result {
        switch shape {
        case .exponential: return run(ExponentialShape.self, inputFirst: inputFirst, conductance: conductance)
        case .alpha: return run(AlphaShape.self, inputFirst: inputFirst, conductance: conductance)
        case .delta: return run(DeltaShape.self, inputFirst: inputFirst, conductance: conductance)
        }
    }

    @inline(__always)
    private func run<Shape: StaticShape>(_ shape: Shape.Type, inputFirst: Bool, conductance: Bool) -> Result {
        switch (inputFirst, conductance) {
        case (true, true): return run(shape, Yes.self, Yes.self)
        case (true, false): return run(shape, Yes.self, No.self)
        case (false, true): return run(shape, No.self, Yes.self)
        case (false, false): return run(shape, No.self, No.self)
        }
    }
}

/// A Boolean known when the loop is compiled.
protocol StaticFlag { static var value: Bool { get } }
enum Yes: StaticFlag { static var value: Bool { true } }
enum No: StaticFlag { static var value: Bool { false } }

/// A synaptic shape known when the loop is compiled.
protocol StaticShape { static var shape: BlockSynapseShape { get } }
enum ExponentialShape: StaticShape { static var shape: BlockSynapseShape { .exponential } }
enum AlphaShape: StaticShape { static var shape: BlockSynapseShape { .alpha } }
enum DeltaShape: StaticShape { static var shape: BlockSynapseShape { .delta } }
