// Choosing the number of mixture components (and the covariance type) by BIC or AIC.
#include <cmath>
#include <string>

#include "n2d/cluster/gaussian_mixture.hpp"

namespace n2d::inline v0 {

GmmSelection select_gaussian_mixture(ConstMatrixView x, const GmmSelectionOptions& options) {
    N2D_REQUIRE(options.min_components >= 1 && options.min_components <= options.max_components,
                "select_gaussian_mixture: need 1 <= min_components <= max_components, got " +
                    std::to_string(options.min_components) + " and " + std::to_string(options.max_components));
    N2D_REQUIRE(options.max_components <= x.rows, "select_gaussian_mixture: max_components = " +
                                                      std::to_string(options.max_components) + " exceeds n_samples = " +
                                                      std::to_string(x.rows) + "; lower max_components");
    N2D_REQUIRE(!options.covariance_types.empty(), "select_gaussian_mixture: covariance_types is empty; list at least one");
    GmmSelection out;
    double best = 0.0;
    for (auto type : options.covariance_types) {
        for (std::size_t k = options.min_components; k <= options.max_components; ++k) {
            GaussianMixtureOptions o = options.base;
            o.n_components = k;
            o.covariance_type = type;
            o.warm_start = false;
            GaussianMixture g(o);
            g.fit(x);
            GmmCandidate c;
            c.n_components = k;
            c.covariance_type = type;
            c.bic = g.bic(x);
            c.aic = g.aic(x);
            c.lower_bound = g.lower_bound();
            c.converged = g.converged();
            c.n_iter = g.n_iter();
            const double value = options.criterion == SelectionCriterion::bic ? c.bic : c.aic;
            if (out.candidates.empty() || value < best) {
                best = value;
                out.best = out.candidates.size();
                out.model = std::move(g);
            }
            out.candidates.push_back(c);
        }
    }
    return out;
}

}  // namespace n2d
