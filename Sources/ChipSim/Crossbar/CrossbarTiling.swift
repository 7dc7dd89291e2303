/// Where one tile of a split weight matrix sits: the rows (inputs) and columns (outputs) of the
/// whole matrix it holds.
public struct CrossbarTilePlacement: Equatable, Sendable, Codable {
    public var rows: Range<Int>
    public var cols: Range<Int>

    public init(rows: Range<Int>, cols: Range<Int>) {
        self.rows = rows
        self.cols = cols
    }

    /// Splits a `rows` × `cols` matrix into the fewest tiles of at most `tileRows` × `tileCols`,
    /// in equal bands (sizes differing by at most one, CrossSim's EQUAL partitioning, which
    /// spreads IR drop evenly), row band by row band.
    public static func split(rows: Int, cols: Int, tileRows: Int, tileCols: Int) -> [CrossbarTilePlacement] {
        let rowBands = bands(rows, tileRows), colBands = bands(cols, tileCols)
        return rowBands.flatMap { r in colBands.map { CrossbarTilePlacement(rows: r, cols: $0) } }
    }

    private static func bands(_ count: Int, _ side: Int) -> [Range<Int>] {
        let n = (count + side - 1) / side
        return (0..<n).map { (count * $0 / n)..<(count * ($0 + 1) / n) }
    }
}

/// What one tile of a split matrix holds and how much of it is used, for the mapping report.
public struct CrossbarTileReport: Equatable, Sendable, Codable {
    /// The tile's index in ``TiledCrossbar/tiles``.
    public var index: Int
    /// The rows and columns of the whole matrix it holds.
    public var placement: CrossbarTilePlacement
    /// Its size, rows × columns (the target's `tile_rows` × `tile_cols`).
    public var tileRows: Int, tileCols: Int
    /// Cells holding a weight (used rows × used columns), and their share of the tile's cells.
    public var cellsUsed: Int
    public var utilization: Double
    /// Weights that are not 0, before quantization.
    public var nonzeroWeights: Int
    /// The weight magnitude mapped to Gmax − Gmin on this tile.
    public var weightMax: Double
    /// Nonzero weights quantized to 0, weights clipped to ``weightMax``, and stuck devices.
    public var weightsRoundedToZero: Int, weightsClipped: Int, stuckOn: Int, stuckOff: Int
}

/// A weight matrix split over tiles and programmed (``ProgrammedConductances`` per tile), with
/// what each tile holds: everything of a ``TiledCrossbar`` but the effective weights, whose IR-drop
/// solve is the costly part. The compiler's report needs only this.
public struct CrossbarProgram: Equatable, Sendable {
    /// Rows (inputs) and columns (outputs) of the whole matrix.
    public let rows: Int, cols: Int
    public let placements: [CrossbarTilePlacement]
    /// One per tile, in the order of ``placements``.
    public let tiles: [ProgrammedConductances]
    public let reports: [CrossbarTileReport]

    /// Splits `weights` (row-major, `rows` × `cols`, rows = inputs) over tiles of `settings` and
    /// programs each (each with its own weightMax and its own streams: seed, stream…, tile index,
    /// purpose). Throws if the matrix is empty or holds a value that is not finite, or the
    /// settings have a problem.
    public init(weights: [Double], rows: Int, cols: Int, settings: CrossbarSettings, seed: UInt64, stream: [UInt64] = []) throws {
        if let problem = settings.problem { throw CrossbarError("the crossbar settings have \(problem)") }
        guard rows >= 1, cols >= 1, weights.count == rows * cols else {
            throw CrossbarError("a weight matrix of \(rows) × \(cols) needs \(rows * cols) values, found \(weights.count)")
        }
        self.rows = rows
        self.cols = cols
        placements = CrossbarTilePlacement.split(rows: rows, cols: cols, tileRows: settings.tileRows, tileCols: settings.tileCols)
        var tiles: [ProgrammedConductances] = [], reports: [CrossbarTileReport] = []
        for (i, p) in placements.enumerated() {
            var part: [Double] = []
            part.reserveCapacity(p.rows.count * p.cols.count)
            for r in p.rows { part += weights[(r * cols + p.cols.lowerBound)..<(r * cols + p.cols.upperBound)] }
            let c = try ProgrammedConductances(weights: part, rows: p.rows.count, cols: p.cols.count, settings: settings, seed: seed,
                                               stream: stream + [UInt64(i)])
            let used = p.rows.count * p.cols.count
            reports.append(CrossbarTileReport(
                index: i, placement: p, tileRows: settings.tileRows, tileCols: settings.tileCols, cellsUsed: used,
                utilization: Double(used) / Double(settings.tileRows * settings.tileCols),
                nonzeroWeights: part.filter { $0 != 0 }.count, weightMax: c.weightMax, weightsRoundedToZero: c.weightsRoundedToZero,
                weightsClipped: c.weightsClipped, stuckOn: c.stuckOn, stuckOff: c.stuckOff))
            tiles.append(c)
        }
        self.tiles = tiles
        self.reports = reports
    }
}

/// A weight matrix larger than a tile, split over tiles whose column outputs are added
/// digitally (partial sums): the output of column c is the sum over the tiles holding column c
/// of each tile's own read (noise, ADC and all). Each tile maps its own largest |w| to Gmax − Gmin
/// (a digital gain per tile undoes it) and draws from its own streams (seed, stream…, tile index,
/// purpose).
public final class TiledCrossbar: @unchecked Sendable {
    /// Rows (inputs) and columns (outputs) of the whole matrix.
    public let rows: Int, cols: Int
    public let tiles: [CrossbarTile]
    public let placements: [CrossbarTilePlacement]
    /// One per tile.
    public let reports: [CrossbarTileReport]
    /// The pulsed rows of one row band, made local to its tiles.
    private let localRows: UnsafeMutableBufferPointer<Int>

    /// Splits `weights` (row-major, `rows` × `cols`, rows = inputs) over tiles of `settings` and
    /// programs them (``CrossbarProgram``). Throws if the matrix is empty or holds a value that is
    /// not finite, or the settings have a problem.
    public convenience init(weights: [Double], rows: Int, cols: Int, settings: CrossbarSettings, seed: UInt64, stream: [UInt64] = []) throws {
        self.init(program: try CrossbarProgram(weights: weights, rows: rows, cols: cols, settings: settings, seed: seed, stream: stream),
                  settings: settings, seed: seed, stream: stream)
    }

    /// The tiles of `program` (made with the same `settings`, `seed` and `stream`), each computing
    /// its effective weights (the IR-drop solve, when the wires have resistance).
    public init(program: CrossbarProgram, settings: CrossbarSettings, seed: UInt64, stream: [UInt64] = []) {
        rows = program.rows
        cols = program.cols
        placements = program.placements
        reports = program.reports
        tiles = program.tiles.enumerated().map { i, p in
            CrossbarTile(programmed: p, settings: settings, seed: seed, stream: stream + [UInt64(i)])
        }
        localRows = .allocate(capacity: settings.tileRows)
    }

    deinit { localRows.deallocate() }

    /// The energy and latency of every read so far, summed over tiles.
    public var totalCost: CrossbarCost {
        var total = CrossbarCost()
        for t in tiles { total += t.totalCost }
        return total
    }

    /// One read with the rows in `activeRows` (distinct, ascending) pulsed: every tile with a
    /// pulsed row is read and adds its partial sums to `output[0 ..< cols]`. Returns the summed cost.
    @discardableResult
    public func read(activeRows: UnsafeBufferPointer<Int>, addingInto output: UnsafeMutablePointer<Double>) -> CrossbarCost {
        var cost = CrossbarCost(), start = 0
        let local = localRows.baseAddress!
        var i = 0
        while i < tiles.count {
            let band = placements[i].rows
            var count = 0
            while start < activeRows.count && activeRows[start] < band.upperBound {
                local[count] = activeRows[start] - band.lowerBound
                count += 1
                start += 1
            }
            let pulsed = UnsafeBufferPointer(start: local, count: count)
            while i < tiles.count && placements[i].rows == band {
                if count > 0 { cost += tiles[i].read(activeRows: pulsed, addingInto: output + placements[i].cols.lowerBound) }
                i += 1
            }
        }
        return cost
    }

    /// One read with real-valued inputs `input[0 ..< rows]`: adds the column outputs to `output[0 ..< cols]`.
    @discardableResult
    public func read(input: UnsafeBufferPointer<Double>, addingInto output: UnsafeMutablePointer<Double>) -> CrossbarCost {
        precondition(input.count == rows, "\(input.count) inputs for \(rows) rows")
        var cost = CrossbarCost()
        for (tile, p) in zip(tiles, placements) {
            cost += tile.read(input: UnsafeBufferPointer(rebasing: input[p.rows]), addingInto: output + p.cols.lowerBound)
        }
        return cost
    }

    /// One read with the rows in `activeRows` (distinct, ascending) pulsed; the column outputs.
    public func read(activeRows: [Int]) -> [Double] {
        var out = [Double](repeating: 0, count: cols)
        activeRows.withUnsafeBufferPointer { a in
            out.withUnsafeMutableBufferPointer { _ = read(activeRows: a, addingInto: $0.baseAddress!) }
        }
        return out
    }

    /// One read with real-valued inputs; the column outputs.
    public func read(input: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: cols)
        input.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { _ = read(input: x, addingInto: $0.baseAddress!) } }
        return out
    }
}
