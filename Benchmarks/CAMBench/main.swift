import Foundation
import HippocampusCAM
import ChipSim
import Runtime

// Capacity of the CA3 memory: random workloads (CAMWorkload: 200 operations, 40 % learns, the
// rest recalls by cue and by content fragments) at several sizes, content sizes and with or
// without re-learning, three seeds each, s1615, ideal timing. For every regime: the share of
// answers a content-addressable memory gives, of wrong answers explained by cross-talk or
// lingering (extra cues only, CAMCrossTalk), and of answers that lost a cue or a content bit.
//
//   swift run -c release CAMBench [SEEDS] [s1615|float64]

let arguments = Array(CommandLine.arguments.dropFirst())
let seeds = UInt64(arguments.first.flatMap { Int($0) } ?? 3)
let arithmetic = arguments.dropFirst().first.flatMap(Arithmetic.init(rawValue:)) ?? .s1615
print("| c × n | bits per content | re-learning | answers | correct | extra cues, explained | lost a cue or bit | other |")
print("|---|---|---|---|---|---|---|---|")
for size in [16, 64, 128] {
    for bits in [1...1, 1...3, 1...8] {
        for relearn in [false, true] {
            var total = 0, correct = 0, explained = 0, lost = 0, other = 0
            for seed in 1...seeds {
                var workload = CAMWorkload(cues: size, contentBits: size, operations: 200, seed: seed)
                workload.bitsPerContent = bits
                workload.relearn = relearn
                let answers = try CAMRun.run(workload.experiment(), options: RunOptions(arithmetic: arithmetic)).answers
                for a in answers {
                    total += 1
                    if a.isCorrect { correct += 1 } else if a.isExplained { explained += 1 } else if !a.expectedCues.isSubset(of: a.cues) || !a.expectedContent.isSubset(of: a.content) {
                        lost += 1
                    } else { other += 1 }
                }
            }
            func pct(_ k: Int) -> String { String(format: "%.1f %%", 100 * Double(k) / Double(total)) }
            print("| \(size) × \(size) | \(bits.lowerBound == bits.upperBound ? "\(bits.lowerBound)" : "\(bits.lowerBound)–\(bits.upperBound)") | \(relearn ? "yes" : "no") | \(total) | \(pct(correct)) | \(pct(explained)) | \(pct(lost)) | \(pct(other)) |")
        }
    }
}
