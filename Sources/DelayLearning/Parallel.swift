import Dispatch

/// Runs `body(i)` for every i in 0 ..< `count`, on `workers` threads (Dispatch's
/// `concurrentPerform`) or, with `workers == 1`, in order on the calling thread.
///
/// Callers write each iteration's result to its own slot and combine the slots in index order,
/// so results never depend on the number of threads or on scheduling.
func forEachIndex(_ count: Int, workers: Int, _ body: (Int) -> Void) {
    if workers <= 1 || count <= 1 {
        for i in 0..<count { body(i) }
    } else {
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}

/// `forEachIndex` collecting each iteration's value in index order.
func mapIndices<T>(_ count: Int, workers: Int, _ body: (Int) -> T) -> [T] {
    let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    slots.initialize(repeating: nil)
    defer { slots.deinitialize(); slots.deallocate() }
    forEachIndex(count, workers: workers) { slots[$0] = body($0) }
    return slots.map { $0! }
}
