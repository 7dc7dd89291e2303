@testable import ChipSim
import XCTest

final class ArithmeticTests: XCTestCase {
    func testS1615Conversions() {
        XCTAssertEqual(S1615.from(1.0), 32768)
        XCTAssertEqual(S1615.from(-65.0), -65 * 32768)
        XCTAssertEqual(S1615.from(0.04), 1311)  // 0.040008544921875
        XCTAssertEqual(S1615.toDouble(S1615.from(-49.25)), -49.25)
        XCTAssertEqual(S1615.from(1e9), Int32.max)
        XCTAssertEqual(S1615.from(-1e9), Int32.min)
    }

    func testS1615MultiplicationRoundsToNearestAndSaturates() {
        XCTAssertEqual(S1615.mul(S1615.from(2.5), S1615.from(-4)), S1615.from(-10))
        // 2⁻¹⁵ · 0.5 = 2⁻¹⁶ rounds up to 2⁻¹⁵ (ties toward +∞); 2⁻¹⁵ · 0.25 rounds to 0.
        XCTAssertEqual(S1615.mul(1, S1615.from(0.5)), 1)
        XCTAssertEqual(S1615.mul(1, S1615.from(0.25)), 0)
        XCTAssertEqual(S1615.mul(S1615.from(30000), S1615.from(30000)), Int32.max)
        XCTAssertEqual(S1615.add(Int32.max, 5), Int32.max)
        XCTAssertEqual(S1615.sub(Int32.min, 5), Int32.min)
    }

    func testU032DecayMatchesDoubleWithinOneUnit() {
        let decays = [0.0, 0.1, 0.5, 0.8187307530779818, 0.999, 1.0]
        for d in decays {
            let q = U032.from(d)
            for x in [-2_000_000, -1, 0, 1, 12345, 2_000_000] as [Int32] {
                let exact = Double(x) * d
                XCTAssertLessThanOrEqual(abs(Double(S1615.decay(x, q)) - exact), 1.0, "x \(x) d \(d)")
            }
        }
        XCTAssertEqual(U032.from(1.0), UInt32.max)
    }

    func testCRC32KnownValue() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([UInt8]()), 0)
    }

    /// The carry-less folding and the tables give the same checksums, from any running value, at
    /// every length and alignment around the fold's blocks; and both give zlib's (Python's
    /// `zlib.crc32`) on longer inputs.
    func testCRC32FoldingMatchesTheTables() throws {
        try XCTSkipUnless(CRC32.foldingAvailable, "this CPU has no carry-less multiplication")
        let long = (0..<100_003).map { UInt8(truncatingIfNeeded: $0 * $0 + 11 * $0) }
        XCTAssertEqual(CRC32.checksum(long), 0x2E1F_F6C7)
        XCTAssertEqual(CRC32.checksum((0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }), 0x17BC_2A46)
        var random = RandomStream(seed: 3, stream: [9])
        let bytes = (0..<1200).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        bytes.withUnsafeBytes { all in
            for start in 0..<17 {
                for length in [0, 1, 15, 16, 17, 63, 64, 65, 79, 80, 127, 128, 129, 255, 256, 500, 1000, 1183 - start] {
                    let slice = UnsafeRawBufferPointer(rebasing: all[start..<start + length])
                    for running in [CRC32.initial, 0, 0x1234_5678] {
                        XCTAssertEqual(CRC32.update(running, slice, folding: true), CRC32.update(running, slice, folding: false),
                                       "from \(start), \(length) bytes")
                    }
                }
            }
        }
    }

    func testRandomStreamsAreDeterministicAndIndependent() {
        var a = RandomStream(seed: 5, stream: [1, 2]), b = RandomStream(seed: 5, stream: [1, 2])
        var c = RandomStream(seed: 5, stream: [1, 3]), d = RandomStream(seed: 6, stream: [1, 2])
        let xs = (0..<10).map { _ in a.next() }
        XCTAssertEqual(xs, (0..<10).map { _ in b.next() })
        XCTAssertNotEqual(xs, (0..<10).map { _ in c.next() })
        XCTAssertNotEqual(xs, (0..<10).map { _ in d.next() })
        var u = RandomStream(seed: 9)
        let mean = (0..<100_000).map { _ in u.nextUnit() }.reduce(0, +) / 100_000
        XCTAssertEqual(mean, 0.5, accuracy: 0.005)
        var n = RandomStream(seed: 9)
        let normals = (0..<100_000).map { _ in n.normal(mean: 2, sd: 3) }
        let m = normals.reduce(0, +) / 100_000
        let sd = (normals.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 100_000).squareRoot()
        XCTAssertEqual(m, 2, accuracy: 0.05)
        XCTAssertEqual(sd, 3, accuracy: 0.05)
        var g = RandomStream(seed: 3)
        let skips = (0..<50_000).map { _ in Double(g.geometricSkip(p: 0.2)) }
        XCTAssertEqual(skips.reduce(0, +) / 50_000, 4.0, accuracy: 0.1)  // (1 − p)/p
    }

    func testRefractoryHoldFollowsTheStepConvention() {
        // Brian2: held ticks after the spike tick are round(τ/h) − 1, never negative.
        XCTAssertEqual(StepConvention.brian2.refractoryTicks(tauRefrac: 0.1, dt: 1.0), 0)
        XCTAssertEqual(StepConvention.brian2.refractoryTicks(tauRefrac: 0.1, dt: 0.1), 0)
        XCTAssertEqual(StepConvention.brian2.refractoryTicks(tauRefrac: 5, dt: 1.0), 4)
        XCTAssertEqual(StepConvention.brian2.refractoryTicks(tauRefrac: 2, dt: 0.1), 19)
        // sPyNNaker: ceil(τ/h), so PyNN's default 0.1 ms holds one whole 1 ms tick; decimal
        // time constants that are whole steps stay whole (0.3 / 0.1 = 3.0000000000000004).
        XCTAssertEqual(StepConvention.spinnaker.refractoryTicks(tauRefrac: 0.1, dt: 1.0), 1)
        XCTAssertEqual(StepConvention.spinnaker.refractoryTicks(tauRefrac: 0.1, dt: 0.1), 1)
        XCTAssertEqual(StepConvention.spinnaker.refractoryTicks(tauRefrac: 0.3, dt: 0.1), 3)
        XCTAssertEqual(StepConvention.spinnaker.refractoryTicks(tauRefrac: 5, dt: 1.0), 5)
        XCTAssertEqual(StepConvention.spinnaker.refractoryTicks(tauRefrac: 2.5, dt: 1.0), 3)
        XCTAssertEqual(StepConvention.spinnaker.refractoryTicks(tauRefrac: 0, dt: 1.0), 0)
    }
}
