import ChipSim
import XCTest

/// Seeded draws (same seed, same bits; another seed, other draws; one stream per purpose) and
/// tiling with digital partial sums.
final class DeterminismAndTilingTests: XCTestCase {
    func weights(_ rows: Int, _ cols: Int) -> [Double] {
        var random = RandomStream(seed: 11)
        return (0..<(rows * cols)).map { _ in random.uniform(-1, 1) }
    }

    func testSameSeedSameBitsOtherSeedOtherDraws() throws {
        var s = CrossbarSettings()
        s.tileRows = 32
        s.tileCols = 32
        s.stuckOnRate = 0.05
        let w = weights(32, 32), spikes = [0, 5, 9, 30]
        func reads(_ seed: UInt64) throws -> (CrossbarTile, [[Double]]) {
            let tile = try CrossbarTile(weights: w, rows: 32, cols: 32, settings: s, seed: seed, stream: [4, 2])
            return (tile, (0..<3).map { _ in tile.read(activeRows: spikes) })
        }
        let (a, ya) = try reads(1), (b, yb) = try reads(1), (c, yc) = try reads(2)
        XCTAssertEqual(a.conductances, b.conductances)
        XCTAssertEqual(a.effectiveWeights.map(\.bitPattern), b.effectiveWeights.map(\.bitPattern))
        XCTAssertEqual(ya.flatMap { $0 }.map(\.bitPattern), yb.flatMap { $0 }.map(\.bitPattern))
        XCTAssertNotEqual(ya[0], ya[1], "read noise is drawn anew per read")
        XCTAssertNotEqual(a.conductances.positive, c.conductances.positive)
        XCTAssertNotEqual(a.conductances.stuckOn, 0)
        XCTAssertNotEqual(ya, yc)
        // Each nonideality has its own stream: read noise off leaves the programming draws alone.
        s.readNoise = 0
        let quiet = try CrossbarTile(weights: w, rows: 32, cols: 32, settings: s, seed: 1, stream: [4, 2])
        XCTAssertEqual(quiet.conductances, a.conductances)
        XCTAssertEqual(quiet.effectiveWeights, a.effectiveWeights)
    }

    func testSplitIntoEqualBands() {
        let p = CrossbarTilePlacement.split(rows: 600, cols: 300, tileRows: 256, tileCols: 256)
        XCTAssertEqual(p.map(\.rows), [0..<200, 0..<200, 200..<400, 200..<400, 400..<600, 400..<600])
        XCTAssertEqual(p.map(\.cols), [0..<150, 150..<300, 0..<150, 150..<300, 0..<150, 150..<300])
        XCTAssertEqual(CrossbarTilePlacement.split(rows: 256, cols: 1, tileRows: 256, tileCols: 256),
                       [CrossbarTilePlacement(rows: 0..<256, cols: 0..<1)])
        XCTAssertEqual(CrossbarTilePlacement.split(rows: 257, cols: 5, tileRows: 256, tileCols: 2).map(\.rows.count),
                       [128, 128, 128, 129, 129, 129])
    }

    func testTiledReadsAddPartialSums() throws {
        var s = CrossbarSettings.ideal
        s.tileRows = 16
        s.tileCols = 8
        let w = weights(40, 20)
        let tiled = try TiledCrossbar(weights: w, rows: 40, cols: 20, settings: s, seed: 1)
        XCTAssertEqual(tiled.tiles.count, 3 * 3)
        let spikes = [0, 1, 13, 14, 15, 22, 39]
        let x = (0..<40).map { spikes.contains($0) ? 1.0 : 0 }
        let ideal = (0..<20).map { c in (0..<40).reduce(0) { $0 + w[$1 * 20 + c] * x[$1] } }
        for y in [tiled.read(activeRows: spikes), tiled.read(input: x)] {
            for (a, b) in zip(y, ideal) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        }
        // The reports say what each tile holds.
        let r = tiled.reports[4]
        XCTAssertEqual(r.placement, CrossbarTilePlacement(rows: 13..<26, cols: 6..<13))
        XCTAssertEqual(r.cellsUsed, 13 * 7)
        XCTAssertEqual(r.utilization, 91.0 / 128, accuracy: 1e-15)
        XCTAssertEqual(r.nonzeroWeights, 91)
        XCTAssertEqual(r.weightMax, (13..<26).flatMap { row in (6..<13).map { abs(w[row * 20 + $0]) } }.max()!)
        XCTAssertEqual(tiled.reports.map(\.cellsUsed).reduce(0, +), 40 * 20)
        // Only the tiles with a pulsed row are read; the totals are the tiles' totals.
        let before = tiled.totalCost.reads
        _ = tiled.read(activeRows: [39])
        XCTAssertEqual(tiled.totalCost.reads - before, 3)
        XCTAssertEqual(tiled.totalCost.rowPulses, tiled.tiles.map(\.totalCost.rowPulses).reduce(0, +))
        // With nonidealities each tile draws from its own streams, and quantization is counted.
        var noisy = s
        noisy.levels = 4
        noisy.programmingNoise = 0.02
        let t = try TiledCrossbar(weights: w, rows: 40, cols: 20, settings: noisy, seed: 1)
        XCTAssertNotEqual(t.tiles[0].conductances.positive[0] - t.tiles[0].conductances.negative[0],
                          t.tiles[1].conductances.positive[0] - t.tiles[1].conductances.negative[0])
        XCTAssertGreaterThan(t.reports.map(\.weightsRoundedToZero).reduce(0, +), 0)
    }
}
