import ChipSim

/// Runs independent pieces of compiler work side by side. The compiler itself knows nothing of
/// threads: each piece writes only what its index owns, results are collected by index and
/// combined in index order, and the pieces are fixed by the network (never by the number of
/// threads), so the image is the same byte for byte however many cores run them, or with
/// `parallel` false, when they run one after the other.
enum ParallelWork {
    /// `body(i)` for every i in 0..<count, its results in index order.
    static func map<T>(_ count: Int, parallel: Bool, _ body: (Int) -> T) -> [T] {
        ParallelIndices.map(count, workers: parallel ? count : 1, body)
    }

    /// `count` items cut into at most `pieces` contiguous ranges of about equal total `weight`
    /// (each at least one item); the cut depends only on the weights.
    static func ranges(count: Int, pieces: Int, weight: (Int) -> Int) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let total = max((0..<count).reduce(0) { $0 + max(weight($1), 1) }, 1)
        let n = min(max(pieces, 1), count)
        var out: [Range<Int>] = []
        var start = 0, acc = 0
        for i in 0..<count {
            acc += max(weight(i), 1)
            let remainingPieces = n - out.count - 1
            if remainingPieces > 0, acc * n >= total * (out.count + 1) || count - i - 1 == remainingPieces {
                out.append(start..<(i + 1))
                start = i + 1
            }
        }
        out.append(start..<count)
        return out.filter { !$0.isEmpty }
    }
}

/// Memory the compiler owns outside Swift's arrays, written through its stable address by the
/// pieces of ``ParallelWork`` (each its own part), then turned into an array.
final class RawBuffer<T> {
    let pointer: UnsafeMutableBufferPointer<T>

    init(repeating value: T, count: Int) {
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: value)
    }

    var base: UnsafeMutablePointer<T> { pointer.baseAddress ?? UnsafeMutablePointer(bitPattern: MemoryLayout<T>.alignment)! }

    /// The contents as an array (one copy of the memory).
    func array() -> [T] {
        [T](unsafeUninitializedCapacity: pointer.count) { out, initialized in
            if let base = pointer.baseAddress { out.baseAddress!.initialize(from: base, count: pointer.count) }
            initialized = pointer.count
        }
    }

    deinit {
        pointer.deinitialize()
        pointer.deallocate()
    }
}
