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
