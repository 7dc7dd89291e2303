import ChipSim
import Foundation
import XCTest

/// The deferred STDP update against weight changes worked by hand.
final class STDPUpdateTests: XCTestCase {
    typealias Pre = STDPUpdate.PreState<Double>
    static let none = Pre(last: Int32.min, trace: 0)
    /// The arithmetics' decay tables, alive as long as the test case.
    let tables = DecayTables()

    func rule(_ change: (inout STDPRule) -> Void = { _ in }) -> STDPRule {
        var r = STDPRule()
        r.tauPlus = 10
        r.tauMinus = 20
        r.aPlus = 0.1
        r.aMinus = 0.12
        r.wMin = 0
        r.wMax = 1
        change(&r)
        return r
    }

    /// Runs pre spikes `pres` (ticks) against post spikes `posts` with delay `d` from weight `w`,
    /// dt = 1 ms; returns the weight after each pre spike.
    func run(_ rule: STDPRule, w start: Double, pres: [Int], posts: [Int], d: Int = 1) -> [Double] {
        let math = FloatPlasticity(rule: rule, dt: 1, tables: tables)
        var w = start, state = Self.none, out: [Double] = []
        for t in pres {
            // A tick's post spikes are recorded (its update) before its pre spikes are delivered.
            let seen = posts.filter { $0 <= t }.map(Int32.init)
            seen.withUnsafeBufferPointer { state = STDPUpdate.apply(&w, pre: state, at: t, delay: d, posts: $0, math) }
            out.append(w)
        }
        return out
    }

    func testPreBeforePostPotentiatesAtTheNextPreSpike() {
        // Pre at 10, post at 12 (local 13 with d = 1), next pre at 20: +0.1·e^(−3/10), then the
        // pre at 20 is depressed by that post: −0.12·e^(−7/20).
        let w = run(rule(), w: 0.5, pres: [10, 20], posts: [12])
        XCTAssertEqual(w[0], 0.5, accuracy: 1e-12, "no post yet")
        XCTAssertEqual(w[1], 0.5 + 0.1 * exp(-0.3) - 0.12 * exp(-0.35), accuracy: 1e-12)
    }

    func testPostBeforePreDepresses() {
        // Post at 7 (local 8), pre at 10: −0.12·e^(−2/20).
        XCTAssertEqual(run(rule(), w: 0.5, pres: [10], posts: [7])[0], 0.5 - 0.12 * exp(-0.1), accuracy: 1e-12)
    }

    func testACoincidentPairDepressesAtFullStrengthUnlessTurnedOff() {
        // Post at 9, d = 1: local 10, the pre's own tick.
        XCTAssertEqual(run(rule(), w: 0.5, pres: [10], posts: [9])[0], 0.5 - 0.12, accuracy: 1e-12)
        XCTAssertEqual(run(rule { $0.coincidentDepression = false }, w: 0.5, pres: [10], posts: [9])[0], 0.5, accuracy: 1e-12)
    }

    func testACoincidentPostIsPotentiatedFirstThenDepresses() {
        // Pres at 5 and 10, post at 9 (local 10): the post potentiates from the pre at 5
        // (e^(−5/10)), then the pre at 10 is depressed by it at full strength.
        let w = run(rule(), w: 0.5, pres: [5, 10], posts: [9])
        XCTAssertEqual(w[1], 0.5 + 0.1 * exp(-0.5) - 0.12, accuracy: 1e-12)
    }

    func testAllToAllSumsTracesAndNearestTakesTheNearestOnly() {
        // Pres at 0 and 4, post at 6 (local 7), pre at 20.
        let all = run(rule(), w: 0.5, pres: [0, 4, 20], posts: [6])
        let plus = 0.1 * (exp(-0.7) + exp(-0.3)), minus = 0.12 * exp(-13.0 / 20)
        XCTAssertEqual(all[2], 0.5 + plus - minus, accuracy: 1e-12)
        let nearest = run(rule { $0.pairing = .nearest }, w: 0.5, pres: [0, 4, 20], posts: [6])
        XCTAssertEqual(nearest[2], 0.5 + 0.1 * exp(-0.3) - minus, accuracy: 1e-12)
        // Two posts before a pre: all-to-all depresses by both, nearest by the later only.
        let twoPosts = run(rule(), w: 0.5, pres: [10], posts: [2, 6])
        XCTAssertEqual(twoPosts[0], 0.5 - 0.12 * (exp(-7.0 / 20) + exp(-3.0 / 20)), accuracy: 1e-12)
        let nearestPost = run(rule { $0.pairing = .nearest }, w: 0.5, pres: [10], posts: [2, 6])
        XCTAssertEqual(nearestPost[0], 0.5 - 0.12 * exp(-3.0 / 20), accuracy: 1e-12)
    }

    func testClippingAfterEachEventOrOnce() {
        // From w_max, two posts after a pre: potentiation saturates, then the pre at 12 depresses.
        let each = run(rule(), w: 1, pres: [0, 12], posts: [3, 5])
        let minus = 0.12 * (exp(-8.0 / 20) + exp(-6.0 / 20))
        XCTAssertEqual(each[1], 1 - minus, accuracy: 1e-12, "clipped at 1 before the depression")
        let once = run(rule { $0.clipEachEvent = false }, w: 1, pres: [0, 12], posts: [3, 5])
        XCTAssertEqual(once[1], 1 + 0.1 * (exp(-0.4) + exp(-0.6)) - minus, accuracy: 1e-12,
                       "summed before clipping, the potentiation beyond w_max still offsets the depression")
    }

    func testMultiplicativeScalesWithTheRoomLeft() {
        let r = rule { $0.weightDependence = .multiplicative }
        let w = run(r, w: 0.25, pres: [10, 20], posts: [12])
        let potentiated = 0.25 + 0.1 * (1 - 0.25) * exp(-0.3)
        XCTAssertEqual(w[1], potentiated - 0.12 * potentiated * exp(-0.35), accuracy: 1e-12)
    }

    func testAmplitudesScaledByWMaxWhenAsked() {
        let r = rule { $0.wMax = 6; $0.scaleByWMax = true }
        XCTAssertEqual(run(r, w: 3, pres: [10], posts: [7])[0], 3 - 0.72 * exp(-0.1), accuracy: 1e-12)
    }

    /// The CA3 memory's learning and forgetting (research notes A.5): A± = 6, τ± = 3 ms, w in
    /// [0, 6], d = 1. Learning: the cue cell and its content cell both spike at 1 and 3. The
    /// post at 1 (local 2) potentiates by 6·e^(−1/3) and the pre at 3 takes the same back; the
    /// post at 3 (local 4) potentiates from both pres, past the cap, applied at the next pre
    /// (30), which the two old posts barely depress.
    /// Forgetting: a re-learned cue's old content cell, recalled at 2 between cue spikes at 1 and
    /// 3, coincides in local time with the pre at 3 and takes the whole weight.
    func testTheMemorysLearningAndForgetting() {
        let cam = rule { $0.tauPlus = 3; $0.tauMinus = 3; $0.aPlus = 6; $0.aMinus = 6; $0.wMax = 6 }
        let learn = run(cam, w: 0, pres: [1, 3, 30], posts: [1, 3])
        XCTAssertEqual(learn[1], 0, accuracy: 1e-12)
        XCTAssertEqual(learn[2], 6 - 6 * (exp(-28.0 / 3) + exp(-26.0 / 3)), accuracy: 1e-12)
        let forget = run(cam, w: 6, pres: [1, 3], posts: [2])
        XCTAssertEqual(forget[1], 0, accuracy: 1e-12)
    }

    func testFixedPointFollowsFloatWithinItsResolution() {
        var r = rule()
        r.wMax = 1
        let scale = 4096.0
        let fixed = FixedPlasticity(rule: r, dt: 1, scale: scale, tables: tables)
        let float = FloatPlasticity(rule: r, dt: 1, tables: tables)
        XCTAssertEqual(fixed.decayPlus(0), 2048)
        XCTAssertEqual(fixed.decayPlus(3), Int32((2048 * exp(-0.3)).rounded()))
        XCTAssertEqual(fixed.decayPlus(256), 0, "beyond the table")
        var rng = RandomStream(seed: 5, stream: [1])
        for _ in 0..<200 {
            let pres = (0..<5).map { _ in Int(rng.next() % 100) }.sorted(), posts = (0..<5).map { _ in Int(rng.next() % 100) }.sorted()
            var wf = 0.5, wx = Int32(0.5 * scale)
            var sf = Self.none, sx = STDPUpdate.PreState<Int32>(last: Int32.min, trace: 0)
            for t in Set(pres).sorted() {
                let seen = posts.filter { $0 < t }.map(Int32.init)
                seen.withUnsafeBufferPointer { p in
                    sf = STDPUpdate.apply(&wf, pre: sf, at: t, delay: 1, posts: p, float)
                    sx = STDPUpdate.apply(&wx, pre: sx, at: t, delay: 1, posts: p, fixed)
                }
            }
            XCTAssertEqual(Double(wx) / scale, wf, accuracy: 0.01, "\(pres) \(posts)")
        }
    }
}
