@testable import ChipSim
import XCTest

/// The spike list a core's update writes into, and the exchange that lends it out.
final class SpikeListTests: XCTestCase {
    func testAppendsGrowPastTheCapacityKeepingTheSpikes() {
        var list = SpikeList(capacity: 3)
        defer { list.deallocate() }
        for n in 0..<100 { list.append(UInt16(n * 7)) }
        XCTAssertEqual(Array(list.elements), (0..<100).map { UInt16($0 * 7) })
        XCTAssertGreaterThanOrEqual(list.capacity, 100)
        list.removeAll()
        XCTAssertEqual(list.count, 0)
        list.append(contentsOf: [5, 6])
        list.reserve(1000)
        XCTAssertGreaterThanOrEqual(list.capacity, 1002)
        list.appendReserved(9)
        XCTAssertEqual(Array(list.elements), [5, 6, 9])
    }

    /// A list lent for a core grows past the core's first guess (a Poisson atom firing more than
    /// once); the exchange takes the larger buffer back and reads the spikes from it, and
    /// another slot's spikes stay where they were.
    func testTheExchangeTakesBackAGrownList() {
        let exchange = SpikeExchange(capacities: [2, 4], slots: 2)
        var list = exchange.lend(core: 0, slot: 1)
        for n in [0, 0, 0, 1, 1] as [UInt16] { list.append(n) }
        exchange.take(list, core: 0, slot: 1)
        var other = exchange.lend(core: 1, slot: 0)
        other.append(3)
        exchange.take(other, core: 1, slot: 0)
        XCTAssertEqual(Array(exchange.view(slot: 1).spikes(core: 0)), [0, 0, 0, 1, 1])
        XCTAssertEqual(Array(exchange.view(slot: 0).spikes(core: 1)), [3])
        XCTAssertEqual(exchange.view(slot: 0).count(core: 0), 0)
        // Lent again, the grown buffer comes back empty.
        let again = exchange.lend(core: 0, slot: 1)
        XCTAssertEqual(again.count, 0)
        XCTAssertGreaterThanOrEqual(again.capacity, 5)
    }
}

extension SpikeList {
    /// The spikes `body` appends to an empty list, as an array (the kernel tests compare arrays).
    static func collect(_ body: (inout SpikeList) -> Void) -> [UInt16] {
        var list = SpikeList(capacity: 1)
        defer { list.deallocate() }
        body(&list)
        return Array(list.elements)
    }
}
