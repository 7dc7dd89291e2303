import ChipSim
import XCTest

final class MachineTests: XCTestCase {
    func testSpinn5BoardHas48ChipsInAHexagon() {
        let m = MachineDescription.spinn5
        XCTAssertEqual(m.chips.count, 48)
        XCTAssertEqual(m.chips.count * m.applicationCoresPerChip, 816)
        XCTAssertTrue(m.exists(ChipCoordinate(x: 7, y: 7)))
        XCTAssertFalse(m.exists(ChipCoordinate(x: 0, y: 7)))
        XCTAssertFalse(m.exists(ChipCoordinate(x: 7, y: 0)))
        XCTAssertNil(m.neighbour(of: ChipCoordinate(x: 0, y: 0), along: .west))
        XCTAssertEqual(m.neighbour(of: ChipCoordinate(x: 0, y: 0), along: .northEast), ChipCoordinate(x: 1, y: 1))
    }

    func testSpinn3WrapsAround() {
        let m = MachineDescription.spinn3
        XCTAssertEqual(m.chips.count, 4)
        XCTAssertEqual(m.neighbour(of: ChipCoordinate(x: 0, y: 0), along: .west), ChipCoordinate(x: 1, y: 0))
        XCTAssertEqual(m.neighbour(of: ChipCoordinate(x: 0, y: 0), along: .southWest), ChipCoordinate(x: 1, y: 1))
    }

    func testLinksAreNumberedAsTheHardwareNumbersThem() {
        XCTAssertEqual(Link.allCases.map(\.opposite), [.west, .southWest, .south, .east, .northEast, .north])
        for l in Link.allCases {
            XCTAssertEqual(l.delta.dx, -l.opposite.delta.dx)
            XCTAssertEqual(l.delta.dy, -l.opposite.delta.dy)
        }
    }
}

final class MultiBoardMachineTests: XCTestCase {
    /// Three SpiNN-5 boards tile a 12 × 12 torus: on machines of 1 × 1, 2 × 1 and 2 × 2 triads
    /// every chip is on exactly one board's hexagon, and every board has 48 chips.
    func testTriadsTileTheTorusWithBoards() {
        for (across, down) in [(1, 1), (2, 1), (2, 2)] {
            let m = MachineDescription.spinn5Triads(across: across, down: down)
            XCTAssertNil(m.problem)
            XCTAssertEqual(m.boards, 3 * across * down)
            XCTAssertEqual(m.chips.count, 144 * across * down)
            XCTAssertTrue(m.wrapsAround)
            var chipsOf = [Int](repeating: 0, count: m.boards)
            for chip in m.chips {
                guard let b = m.board(of: chip) else { return XCTFail("chip \(chip) is on no board") }
                chipsOf[b] += 1
                // It is on that board's hexagon and on no other.
                var hexagons = 0
                for ty in 0..<down {
                    for tx in 0..<across {
                        for (ox, oy) in BoardLayout.triadBoardOrigins {
                            let dx = ((chip.x - 12 * tx - ox) % m.width + m.width) % m.width
                            let dy = ((chip.y - 12 * ty - oy) % m.height + m.height) % m.height
                            if dx < 8, dy < 8, dx >= dy - 3, dx <= dy + 4 { hexagons += 1 }
                        }
                    }
                }
                XCTAssertEqual(hexagons, 1, "chip \(chip)")
            }
            XCTAssertEqual(chipsOf, Array(repeating: 48, count: m.boards))
        }
    }

    func testAMultiBoardMachineWrapsAround() {
        let m = MachineDescription.spinn5Triads(across: 2, down: 1)
        XCTAssertEqual(m.neighbour(of: ChipCoordinate(x: 0, y: 0), along: .west), ChipCoordinate(x: 23, y: 0))
        XCTAssertEqual(m.neighbour(of: ChipCoordinate(x: 0, y: 0), along: .southWest), ChipCoordinate(x: 23, y: 11))
        XCTAssertEqual(m.neighbour(of: ChipCoordinate(x: 23, y: 11), along: .northEast), ChipCoordinate(x: 0, y: 0))
    }

    /// Dead chips, links and cores are not there: no neighbour across a dead link (from either
    /// end), no dead chip among the chips, no dead core among a chip's processors.
    func testDeadPartsAreAbsent() {
        var m = MachineDescription.spinn5
        m.deadChips = [ChipCoordinate(x: 2, y: 2)]
        m.deadLinks = [ChipLink(chip: ChipCoordinate(x: 0, y: 0), link: .east)]
        m.deadCores = [CoreLocation(chip: ChipCoordinate(x: 1, y: 1), processor: 5)]
        XCTAssertNil(m.problem)
        XCTAssertEqual(m.chips.count, 47)
        XCTAssertEqual(m.chipCount, 47)
        XCTAssertFalse(m.exists(ChipCoordinate(x: 2, y: 2)))
        XCTAssertNil(m.neighbour(of: ChipCoordinate(x: 1, y: 1), along: .northEast), "into a dead chip")
        XCTAssertNil(m.neighbour(of: ChipCoordinate(x: 0, y: 0), along: .east))
        XCTAssertNil(m.neighbour(of: ChipCoordinate(x: 1, y: 0), along: .west), "the same link from its other end")
        XCTAssertEqual(m.neighbour(of: ChipCoordinate(x: 0, y: 0), along: .north), ChipCoordinate(x: 0, y: 1))
        XCTAssertEqual(m.applicationProcessors(on: ChipCoordinate(x: 1, y: 1)), [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17])
        XCTAssertEqual(m.applicationProcessors(on: ChipCoordinate(x: 2, y: 2)), [])
        XCTAssertEqual(m.workingApplicationCores, 47 * 17 - 1)
        m.deadChips.append(ChipCoordinate(x: 0, y: 7))
        XCTAssertEqual(m.problem, "a dead chip (0,7) that the machine does not have")
        m.deadChips = [ChipCoordinate(x: 2, y: 2), ChipCoordinate(x: 2, y: 2)]
        XCTAssertEqual(m.problem, "a dead chip or core listed twice")
    }

    /// `--target auto`'s machines: one board, then triads, never fewer boards than the one before.
    func testSpinn5MachinesGrowByBoards() {
        let machines = MachineDescription.spinn5Machines
        XCTAssertEqual(machines.prefix(5).map(\.boards), [1, 3, 6, 9, 12])
        XCTAssertEqual(machines.prefix(3).map(\.name), ["spinn-5", "spinn-5x3", "spinn-5x6"])
        XCTAssertTrue(zip(machines, machines.dropFirst()).allSatisfy { $0.boards <= $1.boards })
        XCTAssertTrue(machines.allSatisfy { $0.problem == nil })
        XCTAssertEqual(machines.last!.width, 252)
    }
}
