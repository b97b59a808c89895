// N2D with DEC/IDEC fine-tuning: the dec clusterer's labels, the model round trip (options
// version 5 for the dec clusterer, none added for fine-tuned codes alone), options text, seeds
// and option errors.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "n2d/model/detail/model_file.hpp"
#include "n2d/n2d.hpp"
#include "n2d/pipeline/options_text.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {

namespace {

N2DOptions dec_options(FinetuneKind finetune, ClustererKind clusterer) {
    N2DOptions o;
    o.n_clusters = 4;
    o.autoencoder.architecture = {16, 16};
    o.autoencoder.epochs = 3;
    o.autoencoder.batch_size = 64;
    o.umap.n_neighbors = 10;
    o.umap.n_epochs = 50;
    o.gmm.n_init = 2;
    o.finetune = finetune;
    o.clusterer = clusterer;
    if (clusterer == ClustererKind::dec) o.manifold = ManifoldKind::none;
    o.dec.max_iter = 60;
    o.dec.update_interval = 15;
    o.dec.batch_size = 64;
    o.dec.kmeans_n_init = 3;
    o.seed = 3;
    return o;
}

std::uint32_t options_version(const std::vector<unsigned char>& image) {
    const ModelFile mf = ModelFile::parse(image, "test");
    ByteReader in = mf.reader("n2d.options");
    return in.get<std::uint32_t>();
}

}  // namespace

TEST_CASE("N2D --cluster dec: labels from the fine-tuned layer, saved and reloaded exactly") {
    std::vector<int> truth;
    const Matrix x = blobs(400, 10, 4, 2.0, 5, &truth);
    for (FinetuneKind ft : {FinetuneKind::dec, FinetuneKind::idec}) {
        CAPTURE(std::string(to_string(ft)));
        N2D model(dec_options(ft, ClustererKind::dec));
        const auto labels = model.fit_predict(x);
        CHECK(model.finetune_report().ran);
        CHECK(model.finetune_report().target_updates >= 2);
        CHECK(model.seconds().finetune > 0.0);
        CHECK(model.n_clusters() == 4);
        CHECK(model.assess(truth).accuracy > 0.75);  // 4 blobs, a 3-epoch autoencoder
        CHECK(model.predict(x) == labels);
        const auto image = model.save_to_bytes();
        CHECK(options_version(image) == 5);
        const N2D back = N2D::load_from_bytes(image, "dec model");
        CHECK(back.options().finetune == ft);
        CHECK(back.options().clusterer == ClustererKind::dec);
        CHECK(back.predict(x) == labels);
        const Matrix p = back.predict_proba(x);
        CHECK(p.cols() == 4);
        CHECK(p(0, 0) + p(0, 1) + p(0, 2) + p(0, 3) == doctest::Approx(1.0).epsilon(1e-5));
        // Same seed, same model.
        N2D again(dec_options(ft, ClustererKind::dec));
        CHECK(again.fit_predict(x) == labels);
        CHECK(again.save_to_bytes().size() == image.size());
    }
}

TEST_CASE("N2D fine-tuned codes through UMAP + GMM keep the older options version; none adds nothing") {
    const Matrix x = blobs(300, 10, 4, 2.0, 6);
    N2D tuned(dec_options(FinetuneKind::dec, ClustererKind::gmm));
    const auto labels = tuned.fit_predict(x);
    const auto image = tuned.save_to_bytes();
    CHECK(options_version(image) == 1);
    const N2D back = N2D::load_from_bytes(image, "tuned");
    CHECK(back.options().finetune == FinetuneKind::dec);
    CHECK(back.options().dec.update_interval == 15);
    CHECK(back.predict(x) == tuned.predict(x));
    CHECK(labels.size() == 300);

    N2D plain(dec_options(FinetuneKind::none, ClustererKind::gmm));
    plain.fit(x);
    CHECK_FALSE(plain.finetune_report().ran);
    CHECK(plain.seconds().finetune == 0.0);
    for (const auto& kv : describe_options(plain.options())) {
        CHECK(kv.first.rfind("dec.", 0) != 0);
        CHECK(kv.first != "finetune");
    }
    // The fine-tuning changed the encoder: the codes differ from the plain run's.
    CHECK(std::memcmp(plain.latent().data(), tuned.latent().data(), plain.latent().size() * sizeof(float)) != 0);
}

TEST_CASE("N2D fine-tuning options: errors name the field and the fix") {
    const auto error = [](N2DOptions o) { return error_of([&] { validate(o); }); };
    N2DOptions o = dec_options(FinetuneKind::none, ClustererKind::dec);
    CHECK(contains(error(o), "needs finetune dec or idec and manifold none"));
    o = dec_options(FinetuneKind::dec, ClustererKind::dec);
    o.manifold = ManifoldKind::umap;
    CHECK(contains(error(o), "manifold none"));
    o = dec_options(FinetuneKind::dec, ClustererKind::gmm);
    o.embedder = EmbedderKind::none;
    CHECK(contains(error(o), "use the autoencoder embedder"));
    o = dec_options(FinetuneKind::dec, ClustererKind::gmm);
    o.n_clusters = 0;
    CHECK(contains(error(o), "needs a known number of clusters"));
    o = dec_options(FinetuneKind::idec, ClustererKind::gmm);
    o.dec.tol = -1;
    CHECK(contains(error(o), "DecOptions::tol"));
    CHECK(contains(error_of([] { parse_finetune_kind("sdec"); }), "none, dec, idec"));
    CHECK(parse_clusterer_kind("dec") == ClustererKind::dec);
}

}  // namespace n2d::test
