import Dispatch

/// Independent pieces of work numbered 0 ..< count, run side by side where more than one worker
/// is asked for: each piece writes only what its index owns, and results come back in index
/// order, so they never depend on the number of threads or on scheduling.
///
/// With `workers` of 2 or more, at most that many threads (Dispatch's `concurrentPerform`)
/// take the pieces, worker w those numbered w, w + workers, w + 2 · workers, …; with 1 they run
/// in order on the calling thread.
public enum ParallelIndices {
    /// `body(i)` for every i in 0 ..< `count`.
    public static func forEach(_ count: Int, workers: Int, _ body: (Int) -> Void) {
        let threads = min(workers, count)
        if threads <= 1 {
            for i in 0..<count { body(i) }
        } else {
            DispatchQueue.concurrentPerform(iterations: threads) { w in
                for i in stride(from: w, to: count, by: threads) { body(i) }
            }
        }
    }

    /// `body(i)` for every i in 0 ..< `count`, the results in index order.
    public static func map<T>(_ count: Int, workers: Int, _ body: (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        slots.initialize(repeating: nil)
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        forEach(count, workers: workers) { slots[$0] = body($0) }
        return slots.map { $0! }
    }
}
