#include "n2d/core/error.hpp"
#include "n2d/pipeline/stage.hpp"

namespace n2d::inline v0 {

void require_stage_input(ConstMatrixView x, std::size_t dim, const char* stage) {
    if (dim == 0) N2D_FAIL(std::string("n2d: the ") + stage + " stage is not fitted; call fit first (or load a model)");
    if (x.cols != dim)
        N2D_FAIL(std::string("n2d: the ") + stage + " stage was fitted on data with " + std::to_string(dim) +
                    " columns but got " + std::to_string(x.cols) +
                    " columns; pass data with the same features, in the same order, as the training data");
}

void IdentityEmbedder::fit(ConstMatrixView x, const StageContext&) {
    N2D_REQUIRE(x.cols > 0, "the identity embedder needs data with at least one column");
    dim_ = x.cols;
}

Matrix IdentityEmbedder::transform(ConstMatrixView x) const {
    require_stage_input(x, dim_, "identity embedder");
    return Matrix::copy_of(x);
}

void IdentityEmbedder::save(ByteWriter& out) const { out.put<std::uint64_t>(dim_); }

std::unique_ptr<IdentityEmbedder> IdentityEmbedder::load(ByteReader& in) {
    auto e = std::make_unique<IdentityEmbedder>();
    const auto dim = in.get<std::uint64_t>();
    in.expect(dim > 0 && dim < (std::uint64_t(1) << 32), "identity embedder width " + std::to_string(dim));
    e->dim_ = static_cast<std::size_t>(dim);
    return e;
}

Matrix IdentityManifold::fit_transform(ConstMatrixView x, const StageContext&) {
    N2D_REQUIRE(x.cols > 0, "the identity manifold needs data with at least one column");
    dim_ = x.cols;
    return Matrix::copy_of(x);
}

Matrix IdentityManifold::transform(ConstMatrixView x) const {
    require_stage_input(x, dim_, "identity manifold");
    return Matrix::copy_of(x);
}

void IdentityManifold::save(ByteWriter& out) const { out.put<std::uint64_t>(dim_); }

std::unique_ptr<IdentityManifold> IdentityManifold::load(ByteReader& in) {
    auto m = std::make_unique<IdentityManifold>();
    const auto dim = in.get<std::uint64_t>();
    in.expect(dim > 0 && dim < (std::uint64_t(1) << 32), "identity manifold width " + std::to_string(dim));
    m->dim_ = static_cast<std::size_t>(dim);
    return m;
}

}  // namespace n2d
