import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A reusable barrier for a fixed number of threads that spin briefly, then yield: a tick's
/// phases are microseconds long, too short for a kernel wait each time.
final class SpinBarrier: @unchecked Sendable {
    private let parties: Int
    private let arrived = Atomic<Int>(0)
    private let generation = Atomic<Int>(0)

    init(parties: Int) {
        self.parties = parties
    }

    /// Returns once all `parties` threads have called it.
    func wait() {
        let current = generation.load(ordering: .acquiring)
        if arrived.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue == parties {
            arrived.store(0, ordering: .relaxed)
            generation.wrappingAdd(1, ordering: .releasing)
            return
        }
        var spins = 0
        while generation.load(ordering: .acquiring) == current {
            spins += 1
            if spins > 2000 { sched_yield() }
        }
    }
}
