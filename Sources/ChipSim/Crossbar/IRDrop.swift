/// IR drop through the wires of a crossbar array, solved exactly once per programming state.
///
/// The array (as in CrossSim's non-interleaved, input-sourced array): row r is a wire driven at
/// its left end, before column 0; column c is a wire held at virtual ground (0 V) at its bottom
/// end, after the last row; cell (r, c) is a linear conductance between the two wires where they
/// cross. Every wire has the same resistance per segment (between neighbouring cells, and between
/// the end cell and the driver or the virtual ground); the far ends are open. Rows that do not
/// spike are driven at 0 V. The circuit is linear, so by superposition the column currents are a
/// fixed linear map of the row voltages, I_c = Σ_r v_r·M[r][c]: ``effectiveConductances(_:rows:cols:wireResistanceOhm:)``
/// computes M, and a read is then a sum of the rows of M that are driven.
///
/// The method exploits the grid: each row wire is a tridiagonal chain, eliminated in O(cols²)
/// with closed forms for the inverse of a tridiagonal matrix; the rows are then swept from the
/// top to the bottom, carrying the Schur complement of everything above (a dense cols × cols
/// map from column-node voltages to the currents leaving downwards) and the currents injected
/// by each row's driver. Each step adds one wire segment per column (a Cholesky solve) and one
/// row of cells. Nothing is iterated or truncated: the result is the exact solution of the
/// nodal equations up to floating-point rounding. Cost: about rows·(4/3·cols³) + rows²·cols²/2
/// multiply-adds, memory cols·(rows + cols) numbers.
public enum IRDrop {
    /// The effective conductance matrix M (µS, `rows` × `cols`, row-major) of an array whose cell
    /// conductances are `conductances` (µS, row-major), with `wireResistanceOhm` (> 0) per segment.
    public static func effectiveConductances(_ conductances: [Double], rows: Int, cols: Int, wireResistanceOhm: Double) -> [Double] {
        precondition(wireResistanceOhm > 0 && conductances.count == rows * cols)
        let g = 1e6 / wireResistanceOhm  // wire segment conductance, µS
        let width = cols + rows
        // work = [P | Q]: P (cols × cols) maps the column-node voltages of the current row to the
        // current that leaves them downwards through everything above; Q (cols × rows) holds, per
        // driven row so far, the current it pushes out of the column nodes at 1 V.
        var work = [Double](repeating: 0, count: cols * width)
        var factor = [Double](repeating: 0, count: cols * cols)
        var chain = RowChain(count: cols)
        var result = [Double](repeating: 0, count: rows * cols)
        conductances.withUnsafeBufferPointer { gp in
            work.withUnsafeMutableBufferPointer { wp in
                factor.withUnsafeMutableBufferPointer { fp in
                    let w = wp.baseAddress!, l = fp.baseAddress!
                    for r in 0..<rows {
                        if r > 0 {
                            // A wire segment below the previous row on every column: the new map is
                            // g·(P + gI)⁻¹·[P | Q] (Schur complement of the previous column nodes).
                            choleskyOfShifted(w, stride: width, n: cols, shift: g, into: l)
                            solve(l, n: cols, w, stride: width, columns: cols + r, scale: g)
                            symmetrize(w, stride: width, n: cols)
                        }
                        chain.addRow(gp.baseAddress! + r * cols, wire: g, into: w, stride: width, driverColumn: cols + r)
                    }
                    // The last segment of each column leads to the virtual ground: I = g·V with
                    // V = (P + gI)⁻¹·Q·v, so M = g·(P + gI)⁻¹·Q.
                    choleskyOfShifted(w, stride: width, n: cols, shift: g, into: l)
                    solve(l, n: cols, w + cols, stride: width, columns: rows, scale: g)
                    for c in 0..<cols {
                        for r in 0..<rows { result[r * cols + c] = w[c * width + cols + r] }
                    }
                }
            }
        }
        return result
    }

    /// The lower Cholesky factor of P + shift·I, P the leading n × n block of `a`.
    private static func choleskyOfShifted(_ a: UnsafeMutablePointer<Double>, stride: Int, n: Int, shift: Double,
                                          into l: UnsafeMutablePointer<Double>) {
        for j in 0..<n {
            let lj = l + j * n
            var d = a[j * stride + j] + shift
            for k in 0..<j { d -= lj[k] * lj[k] }
            let djj = d.squareRoot()
            lj[j] = djj
            for i in (j + 1)..<n {
                let li = l + i * n
                var s = a[i * stride + j]
                for k in 0..<j { s -= li[k] * lj[k] }
                li[j] = s / djj
            }
        }
    }

    /// Overwrites the first `columns` columns of the n rows of `b` with scale·(L·Lᵀ)⁻¹·b.
    private static func solve(_ l: UnsafeMutablePointer<Double>, n: Int, _ b: UnsafeMutablePointer<Double>, stride: Int,
                              columns m: Int, scale: Double) {
        for i in 0..<n {
            let bi = b + i * stride, li = l + i * n
            for j in 0..<m { bi[j] *= scale }
            for k in 0..<i {
                let f = li[k], bk = b + k * stride
                for j in 0..<m { bi[j] -= f * bk[j] }
            }
            let inv = 1 / li[i]
            for j in 0..<m { bi[j] *= inv }
        }
        for i in Swift.stride(from: n - 1, through: 0, by: -1) {
            let bi = b + i * stride
            for k in (i + 1)..<n {
                let f = l[k * n + i], bk = b + k * stride
                for j in 0..<m { bi[j] -= f * bk[j] }
            }
            let inv = 1 / l[i * n + i]
            for j in 0..<m { bi[j] *= inv }
        }
    }

    /// Makes the leading n × n block exactly symmetric (it is, but for rounding).
    private static func symmetrize(_ a: UnsafeMutablePointer<Double>, stride: Int, n: Int) {
        for i in 0..<n {
            for j in (i + 1)..<n {
                let m = 0.5 * (a[i * stride + j] + a[j * stride + i])
                a[i * stride + j] = m
                a[j * stride + i] = m
            }
        }
    }
}

/// One row wire with its cells, eliminated: a tridiagonal chain T (driver segment before node 0,
/// open after the last node) whose inverse has a closed form in the forward and backward pivots.
private struct RowChain {
    var a: [Double], forward: [Double], backward: [Double], ratio: [Double]

    init(count: Int) {
        a = [Double](repeating: 0, count: count)
        forward = a
        backward = a
        ratio = a
    }

    /// Adds the row's Schur complement D − D·T⁻¹·D to P, and its driver's current per volt,
    /// g·D·T⁻¹·e₀, to column `driverColumn`, for cell conductances `cells` (D = diag(cells)).
    mutating func addRow(_ cells: UnsafePointer<Double>, wire g: Double, into w: UnsafeMutablePointer<Double>, stride: Int,
                         driverColumn: Int) {
        let n = a.count
        for c in 0..<n { a[c] = cells[c] + g + (c < n - 1 ? g : 0) }
        forward[0] = a[0]
        for c in 1..<n { forward[c] = a[c] - g * g / forward[c - 1] }
        backward[n - 1] = a[n - 1]
        for c in Swift.stride(from: n - 2, through: 0, by: -1) { backward[c] = a[c] - g * g / backward[c + 1] }
        // (T⁻¹)ᵢᵢ = 1/(forwardᵢ + backwardᵢ − aᵢ); (T⁻¹)ᵢⱼ = (T⁻¹)ᵢ,ⱼ₋₁ · g/backwardⱼ for j > i.
        for c in 0..<n { ratio[c] = g / backward[c] }
        for i in 0..<n {
            let gi = cells[i], row = w + i * stride
            var t = 1 / (forward[i] + backward[i] - a[i])
            row[i] += gi - gi * gi * t
            if i == 0 { w[driverColumn] = g * gi * t }
            for j in (i + 1)..<n {
                t *= ratio[j]
                let s = gi * cells[j] * t
                row[j] -= s
                w[j * stride + i] -= s
                if i == 0 { w[j * stride + driverColumn] = g * cells[j] * t }
            }
        }
    }
}
