import ChipSim
import XCTest

/// `ParallelIndices`: every piece once, results in index order, no more threads than asked for.
final class ParallelIndicesTests: XCTestCase {
    /// Results come back in index order, each index run once, on one worker or several.
    func testResultsInIndexOrderOnAnyNumberOfWorkers() {
        for workers in [1, 2, 8] {
            for count in [0, 1, 2, 17, 1000] {
                XCTAssertEqual(ParallelIndices.map(count, workers: workers) { $0 * $0 }, (0..<count).map { $0 * $0 }, "\(count) on \(workers)")
                let runs = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(count, 1))
                runs.initialize(repeating: 0)
                ParallelIndices.forEach(count, workers: workers) { runs[$0] += 1 }
                XCTAssertTrue(runs.prefix(count).allSatisfy { $0 == 1 }, "\(count) on \(workers)")
                runs.deallocate()
            }
        }
    }

    /// One worker runs the pieces in order on the calling thread.
    func testOneWorkerRunsInOrderOnTheCallingThread() {
        var order: [Int] = []
        let caller = Thread.current
        ParallelIndices.forEach(5, workers: 1) { i in
            XCTAssertTrue(Thread.current === caller)
            order.append(i)
        }
        XCTAssertEqual(order, [0, 1, 2, 3, 4])
    }

    /// No more pieces run at once than there are workers (the run's `--threads`), however many
    /// processors the machine has.
    func testNoMoreThreadsThanWorkers() {
        for workers in [2, 3] {
            let lock = NSLock()
            var running = 0, most = 0
            ParallelIndices.forEach(24, workers: workers) { _ in
                lock.lock(); running += 1; most = max(most, running); lock.unlock()
                Thread.sleep(forTimeInterval: 0.002)
                lock.lock(); running -= 1; lock.unlock()
            }
            XCTAssertLessThanOrEqual(most, workers)
            XCTAssertGreaterThanOrEqual(most, 1)
        }
    }
}
