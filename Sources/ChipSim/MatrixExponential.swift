/// e^(A·t) of a small dense matrix, for the exact propagators of linear neuron models (computed
/// once per core, never per tick): scaling and squaring around a Taylor series, accurate to a few
/// ulps for the well-conditioned, stable matrices of membranes and synapses.
enum MatrixExponential {
    /// e^(a·t) for the square matrix `a` (row-major, n × n).
    static func exp(_ a: [[Double]], t: Double) -> [[Double]] {
        let n = a.count
        var norm = 0.0
        for row in a { norm = max(norm, row.reduce(0) { $0 + abs($1) } * abs(t)) }
        // Scale so that the series converges fast, then square back.
        var squarings = 0
        var scale = t
        while norm > 0.5 {
            norm /= 2
            scale /= 2
            squarings += 1
        }
        let scaled = a.map { $0.map { $0 * scale } }
        var result = identity(n), term = identity(n)
        for k in 1...24 {
            term = multiply(term, scaled).map { $0.map { $0 / Double(k) } }
            result = add(result, term)
        }
        for _ in 0..<squarings { result = multiply(result, result) }
        return result
    }

    static func identity(_ n: Int) -> [[Double]] {
        (0..<n).map { i in (0..<n).map { $0 == i ? 1 : 0 } }
    }

    static func multiply(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        let n = a.count
        return (0..<n).map { i in (0..<n).map { j in (0..<n).reduce(0) { $0 + a[i][$1] * b[$1][j] } } }
    }

    static func add(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        zip(a, b).map { zip($0, $1).map { $0 + $1 } }
    }
}
