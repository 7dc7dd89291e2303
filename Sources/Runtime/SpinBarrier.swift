import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A reusable barrier for a fixed number of threads that spin, then yield: a tick's phases are
/// microseconds long, too short for a kernel wait each time.
///
/// How long a thread spins before it yields is the caller's choice (``spinsBeforeYield``). With
/// a CPU per thread, spinning costs nothing that another thread needed, and a yield is a system
/// call whose return (on this project's virtual machines) can take longer than a whole phase:
/// with 2,000 spins (a few microseconds) the scheduler's paths took 12–18 % of the samples of a
/// two-thread CUBA run in the slow spells that machine has. With more threads than CPUs, a
/// spinning thread holds the CPU that a thread it waits for needs, and it should yield soon.
final class SpinBarrier: @unchecked Sendable {
    private let parties: Int
    /// Checks of the barrier's generation before each yield.
    let spinsBeforeYield: Int
    private let arrived = Atomic<Int>(0)
    private let generation = Atomic<Int>(0)

    init(parties: Int, spinsBeforeYield: Int) {
        self.parties = parties
        self.spinsBeforeYield = spinsBeforeYield
    }

    /// A barrier for `parties` threads, spinning long (``longSpin``, some hundred microseconds)
    /// where each thread can have a CPU of the `processors` this process may use, briefly
    /// (``shortSpin``) where they cannot.
    convenience init(parties: Int, processors: Int) {
        self.init(parties: parties, spinsBeforeYield: parties <= processors ? Self.longSpin : Self.shortSpin)
    }

    static let longSpin = 200_000
    static let shortSpin = 2_000

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
            if spins >= spinsBeforeYield {
                sched_yield()
                spins = 0
            }
        }
    }
}
