import Foundation

/// Adam (Kingma & Ba 2015) on one parameter array, with bias-corrected moments, as PyTorch's
/// `torch.optim.Adam` without weight decay.
struct Adam {
    let beta1: Float, beta2: Float, epsilon: Float
    private var m: [Float], v: [Float]
    private var steps = 0

    init(count: Int, settings: TrainingSettings) {
        beta1 = Float(settings.beta1)
        beta2 = Float(settings.beta2)
        epsilon = Float(settings.epsilon)
        m = [Float](repeating: 0, count: count)
        v = m
    }

    /// One step of size `learningRate` on `parameters` down `gradient`.
    mutating func update(_ parameters: inout [Float], gradient: [Float], learningRate: Double) {
        precondition(parameters.count == m.count && gradient.count == m.count)
        steps += 1
        let correction1 = 1 - Float(pow(Double(beta1), Double(steps)))
        let correction2 = 1 - Float(pow(Double(beta2), Double(steps)))
        let (b1, b2, lr, eps) = (beta1, beta2, Float(learningRate), epsilon)
        for i in 0..<parameters.count {
            let g = gradient[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            parameters[i] -= lr * (m[i] / correction1) / ((v[i] / correction2).squareRoot() + eps)
        }
    }
}
