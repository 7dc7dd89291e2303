/// How finely the chip's fixed-point STDP (``FixedPlasticity``) resolves a rule's weight changes.
///
/// An additive rule's amplitudes are whole 16-bit weight units (2^(15 − shift) per unit of
/// weight for the core's weight shift), and each change, amplitude × trace, is rounded down to
/// whole units; a multiplicative rule's amplitudes are 11-bit fractions. Amplitudes of a few units
/// lose most small changes and their ratio, which decides whether a rule depresses or potentiates
/// on balance. sPyNNaker has the same limit; the compiler warns where it bites.
public enum STDPResolution {
    /// Fewer units than this in an amplitude distort the rule: a change at one time constant
    /// (trace e^-1) is then under 6 units, and rounding down can take a sixth of it.
    public static let minimumUnits = 16.0

    /// Why `rule` runs coarsely in `s1615` on a core with weight shift `weightShift`, or nil.
    /// `unit` is the weight's unit (nA, µS, mV).
    public static func problem(_ rule: STDPRule, weightShift: Int, unit: String) -> String? {
        let (plus, minus) = rule.amplitudes
        let perUnit: Double, what: String
        switch rule.weightDependence {
        case .additive:
            perUnit = Double(sign: .plus, exponent: 15 - weightShift, significand: 1)
            what = "units of its 16-bit weights (resolution 2^\(weightShift - 15) \(unit))"
        case .multiplicative:
            perUnit = Double(FixedPlasticity.one)
            what = "2^-11 steps of the 11-bit fraction the chip holds them in"
        }
        let units = [plus, minus].filter { $0 > 0 }.map { $0 * perUnit }
        guard let smallest = units.min(), smallest < minimumUnits else { return nil }
        let rounded = [plus, minus].map { ($0 * perUnit).rounded() }
        let ratio = rounded[0] > 0 ? String(format: "%.3g", rounded[1] / rounded[0]) : "undefined (A_plus rounds to 0)"
        return String(format: "has A_plus = %.3g and A_minus = %.3g %@: changes round down to whole steps, so small ones are lost, and A_minus/A_plus becomes %@ instead of %.3g",
                      plus * perUnit, minus * perUnit, what, ratio, plus > 0 ? minus / plus : 0)
    }
}
