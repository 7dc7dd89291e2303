import ChipSim
import Foundation

// Release-build benchmark of one crossbar tile (Benchmarks/crossbar.sh runs it; numbers in
// Benchmarks/README.md): the per-programming-state IR-drop solve, and reads per second of a
// tile with IR drop on, for binary spike inputs at a few activity levels.

let side = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 256
let clock = ContinuousClock()
func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

var random = RandomStream(seed: 1)
let weights = (0..<(side * side)).map { _ in random.uniform(-1, 1) }
let settings = CrossbarSettings(tileRows: side, tileCols: side)  // the defaults: IR drop (1 Ω), noise, 8-bit ADC

// The solve for one array, then the whole programming (G⁺ and G⁻ solved on two threads).
let programmed = try ProgrammedConductances(weights: weights, rows: side, cols: side, settings: settings, seed: 1)
let t0 = clock.now
let m = IRDrop.effectiveConductances(programmed.positive, rows: side, cols: side, wireResistanceOhm: settings.wireResistanceOhm)
let solve = seconds(clock.now - t0)
let t1 = clock.now
let tile = CrossbarTile(programmed: programmed, settings: settings, seed: 1)
let program = seconds(clock.now - t1)
let multiplyAdds = Double(side) * (4.0 / 3 * pow(Double(side), 3)) + pow(Double(side), 4) / 2
print(String(format: "%d×%d IR-drop solve, one array: %.3f s (%.2e multiply-adds/s); tile (G+ and G− on 2 threads): %.3f s",
             side, side, solve, multiplyAdds / solve, program))

func readsPerSecond(_ tile: CrossbarTile, active: Int) -> Double {
    var sets: [[Int]] = []
    for _ in 0..<512 {
        var rows = Set<Int>()
        while rows.count < active { rows.insert(Int(random.next() % UInt64(side))) }
        sets.append(rows.sorted())
    }
    let output = UnsafeMutablePointer<Double>.allocate(capacity: side)
    output.initialize(repeating: 0, count: side)
    defer { output.deallocate() }
    var reads = 0
    let start = clock.now
    var elapsed = 0.0
    while elapsed < 0.5 {
        for s in sets { s.withUnsafeBufferPointer { _ = tile.read(activeRows: $0, addingInto: output) } }
        reads += sets.count
        elapsed = seconds(clock.now - start)
    }
    precondition(output[0].isFinite)
    return Double(reads) / elapsed
}

var noiseOnly = settings
noiseOnly.adcBits = 0
var quiet = noiseOnly
quiet.readNoise = 0
let variants = [tile, CrossbarTile(programmed: programmed, settings: noiseOnly, seed: 1),
                CrossbarTile(programmed: programmed, settings: quiet, seed: 1)]
print("reads/s    active rows:  defaults (read noise, 8-bit ADC)   read noise, no ADC   neither")
for active in [1, 4, 16, 64] {
    let rates = variants.map { readsPerSecond($0, active: active) }
    print(String(format: "%25d   %32.3g   %18.3g   %7.3g", active, rates[0], rates[1], rates[2]))
}
print(String(format: "(checksum %.6g)", m.reduce(0, +)))
