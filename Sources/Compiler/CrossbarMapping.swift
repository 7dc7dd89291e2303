import ChipSim

/// What the compiler does differently for a memristor-crossbar target (`configs/crossbar.yaml`):
/// it maps the network exactly as for the digital target (cores, keys, routes, synaptic rows
/// with full-precision weights), and the chip programs each neuron core's synapses onto crossbar
/// tiles at load (``CrossbarCoreMatrix``: one matrix per delay and synapse type, tiled with
/// partial sums). Here: what the target refuses, and the report of what each tile holds.
enum CrossbarMapping {
    /// Refuses what a crossbar target cannot run: plastic projections (the tiles do not learn)
    /// and an image without full-precision weights (the tiles are programmed from them).
    static func check(_ network: NetworkSpec, options: CompileOptions) throws {
        if let p = network.projections.first(where: { $0.plasticity != nil }) {
            throw CompileError([Diagnostic("projection '\(p.label)': STDP synapses cannot be mapped onto a crossbar target (its tiles are programmed once and do not learn); use a SpiNNaker target", at: p.location)])
        }
        guard options.floatWeights else {
            throw CompileError([Diagnostic("a crossbar target programs its tiles from the full-precision weights: compile with --arithmetic float64 (the default)", at: nil)])
        }
    }

    /// The crossbar tiles of `image` (a crossbar target's, its synapses in place) as the report
    /// lists them: every tile of every (delay, type) matrix of every crossbar core, programmed
    /// as the chip will program it (same settings, seed and streams), without the IR-drop solve.
    static func report(_ image: ChipImage) -> MappingReport.Crossbar {
        let settings = image.machine.crossbar!
        var tiles: [MappingReport.CrossbarTile] = []
        for matrix in CrossbarCoreMatrix.all(image: image, routes: image.packetRoutes) {
            let core = image.cores[matrix.core], post = core.population
            for (g, group) in matrix.groups.enumerated() {
                // The compiler's own image: its weights are finite and its settings sound.
                guard let program = try? matrix.program(group: g, settings: settings, seed: image.network.seed) else { continue }
                let receptor: Receptor = group.type == 0 ? .excitatory : .inhibitory
                for report in program.reports {
                    let pres = Set(group.sources[report.placement.rows].map { image.cores[$0.core].population })
                    let projections = image.projections.filter { pres.contains($0.pre) && $0.post == post && $0.receptor == receptor }
                    tiles.append(MappingReport.CrossbarTile(
                        core: core.location.description, population: image.populations[post].name, delayTicks: group.delay,
                        receptor: receptor.name, projections: projections.map(\.label), tile: report.index,
                        rows: [report.placement.rows.lowerBound, report.placement.rows.upperBound],
                        columns: [report.placement.cols.lowerBound, report.placement.cols.upperBound],
                        cellsUsed: report.cellsUsed, utilization: report.utilization, nonzeroWeights: report.nonzeroWeights,
                        weightMax: report.weightMax, weightsRoundedToZero: report.weightsRoundedToZero, weightsClipped: report.weightsClipped,
                        stuckOn: report.stuckOn, stuckOff: report.stuckOff))
                }
            }
        }
        let cells = tiles.reduce(0) { $0 + $1.cellsUsed }
        return MappingReport.Crossbar(
            tileRows: settings.tileRows, tileCols: settings.tileCols, tiles: tiles,
            utilization: tiles.isEmpty ? 0 : Double(cells) / Double(tiles.count * settings.tileRows * settings.tileCols),
            weightsRoundedToZero: tiles.reduce(0) { $0 + $1.weightsRoundedToZero }, weightsClipped: tiles.reduce(0) { $0 + $1.weightsClipped },
            stuckDevices: tiles.reduce(0) { $0 + $1.stuckOn + $1.stuckOff })
    }
}
