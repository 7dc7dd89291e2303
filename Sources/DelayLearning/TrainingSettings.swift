import Foundation

/// Settings of the training (models.md B.3, B.7); every number is a setting.
public struct TrainingSettings: Codable, Equatable, Sendable {
    /// Adam steps. Default 1500.
    public var steps = 1500
    /// Movies per step, drawn uniformly from the pool. Default 16.
    public var batchMovies = 16
    /// Output rows (t, y) sampled per movie and step; each gives `width` voxels. Default 32
    /// (1,024 of config A's 91,136 voxels per movie).
    public var rowsPerMovie = 32
    /// Adam's step size at the first step. Default 1e-3.
    public var learningRate = 1e-3
    /// Adam's step size at the last step; between the two it follows half a cosine (nil: constant).
    /// Default 1e-5: the gradient of a step's sampled rows is noisy, and a constant step leaves the
    /// weights that noise's random walk (config B: 75 % → 98.5 % top-15 % accuracy at 1000 steps).
    public var finalLearningRate: Double? = 1e-5
    /// Adam's decay rates and ε. Defaults 0.9, 0.999, 1e-8.
    public var beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8
    /// Standard deviation of the initial weights, times the mask. Default 0.01.
    public var initialWeightScale = 0.01
    /// Initial weight of the delay-0 centre tap: +w for ON, −w for OFF (the paper's code). Default 4.
    public var centreTapWeight = 4.0
    /// The seed of the initial weights and of the batches. Default 1973.
    public var seed: UInt64 = 1973

    /// The defaults.
    public init() {}
}

/// What a model's training was: its settings and what it measured.
public struct TrainingRecord: Codable, Equatable, Sendable {
    /// The settings.
    public var settings: TrainingSettings
    /// Movies in the training pool (``MovieSet/training`` 0 ..< poolMovies).
    public var poolMovies: Int
    /// Steps taken.
    public var stepsDone: Int
    /// Mean cross-entropy (nats per voxel) over the last 50 steps or fewer.
    public var finalLoss: Double
    /// Wall-clock training time (s), without making the movies.
    public var seconds: Double

    /// A record.
    public init(settings: TrainingSettings, poolMovies: Int, stepsDone: Int, finalLoss: Double, seconds: Double) {
        self.settings = settings
        self.poolMovies = poolMovies
        self.stepsDone = stepsDone
        self.finalLoss = finalLoss
        self.seconds = seconds
    }
}
