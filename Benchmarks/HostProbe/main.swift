import Foundation

// Whether this machine's two CPUs run independently right now (Benchmarks/compare.sh asks
// before and after every two-thread run; numbers in Benchmarks/README.md).
//
// A cloud machine's two vCPUs are two threads on the host, which its scheduler places as it
// pleases: on two physical cores, or for minutes at a time on the two hyperthreads of one, where
// they share its L1 and L2 caches and its execution units. Then every tool's two-thread run
// takes longer, for reasons no tool controls. The probe measures it directly: each thread
// updates words at random in its own 640 KB table (inside one core's 1 MB L2, not two tables
// inside one), first one thread alone, then two at once; it prints the two-thread time over
// the one-thread time (1.0: independent cores; 2.0: one core's resources shared by both), the
// median of three tries after one to warm the caches. About 0.3 s.
//
// Usage: HostProbe [ITERATIONS]   (per thread and try; default 20,000,000)

let iterations = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 20_000_000
let words = 640 * 1024 / 4

/// A thread's table and its random read-modify-write walk over it, timed.
final class Walker: @unchecked Sendable {
    private let table = UnsafeMutablePointer<UInt32>.allocate(capacity: words)
    private(set) var seconds = 0.0
    /// The walk's result, stored so that the optimizer cannot drop the walk.
    private(set) var sum: UInt32 = 0

    init(seed: UInt32) {
        var x = seed
        for i in 0..<words {
            x = x &* 1_664_525 &+ 1_013_904_223
            table[i] = x
        }
    }

    deinit { table.deallocate() }

    func walk() {
        let start = DispatchTime.now().uptimeNanoseconds
        var x: UInt32 = 1, s: UInt32 = 0
        for _ in 0..<iterations {
            x = x &* 1_664_525 &+ 1_013_904_223
            let i = Int(x >> 8) % words
            s &+= table[i]
            table[i] = s
        }
        sum = s
        seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

let walkers = [Walker(seed: 1), Walker(seed: 2)]
/// Runs `walkers[1]` on a second thread while the calling thread runs `walkers[0]`.
func walkTogether() {
    let done = DispatchSemaphore(value: 0)
    let second = walkers[1]
    let thread = Thread {
        second.walk()
        done.signal()
    }
    thread.start()
    walkers[0].walk()
    done.wait()
}

// A first round untimed: each table into its thread's caches.
walkTogether()
var ratios: [Double] = []
for _ in 0..<3 {
    walkers[0].walk()
    let alone = walkers[0].seconds
    walkTogether()
    ratios.append(max(walkers[0].seconds, walkers[1].seconds) / alone)
}
print(String(format: "%.2f", ratios.sorted()[1]))
