// Checkpoint and resume: a weights file (weights_io.cpp) that also holds the optimiser state and
// the fit call in progress, and the entry point that continues that call.
#include <string>
#include <utility>

#include "n2d/core/error.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "n2d/nn/detail/network.hpp"

namespace n2d::inline v0 {

namespace {

std::string join(const std::vector<std::size_t>& v) {
    std::string s;
    for (std::size_t w : v) {
        if (!s.empty()) s += ',';
        s += std::to_string(w);
    }
    return s;
}

// Throws naming the first training setting in which `asked` differs from the checkpoint's
// `saved`: a resumed call with other settings would silently train something else.
void require_same_training(const AutoencoderOptions& saved, const AutoencoderOptions& asked, const std::string& path) {
    auto same = [&](bool equal, const char* field, const std::string& was, const std::string& now) {
        if (!equal)
            N2D_FAIL("n2d: " + path + ": the checkpoint was trained with " + field + " " + was +
                     " but this run asks for " + now + "; resume with the settings of the interrupted run, or start "
                     "afresh without resuming");
    };
    const auto num = [](double v) { return std::to_string(v); };
    same(saved.architecture == asked.architecture, "architecture", join(saved.architecture), join(asked.architecture));
    same(saved.latent_dim == asked.latent_dim, "latent_dim", num(double(saved.latent_dim)), num(double(asked.latent_dim)));
    for (auto [a, b] : {std::pair{saved.hidden_activation, asked.hidden_activation},
                        std::pair{saved.latent_activation, asked.latent_activation},
                        std::pair{saved.output_activation, asked.output_activation}})
        same(a == b, "activation", to_string(a), to_string(b));
    same(nn::resolved_alpha(saved) == nn::resolved_alpha(asked), "activation_alpha", num(nn::resolved_alpha(saved)),
         num(nn::resolved_alpha(asked)));
    same(saved.loss == asked.loss, "loss", to_string(saved.loss), to_string(asked.loss));
    const OptimizerOptions &p = saved.optimizer, &q = asked.optimizer;
    same(p.type == q.type, "optimizer", to_string(p.type), to_string(q.type));
    same(p.learning_rate == q.learning_rate, "learning_rate", num(p.learning_rate), num(q.learning_rate));
    same(p.beta1 == q.beta1 && p.beta2 == q.beta2 && p.epsilon == q.epsilon && p.momentum == q.momentum &&
             p.nesterov == q.nesterov,
         "optimizer settings", "(beta1, beta2, epsilon, momentum, nesterov)", "others");
    same(saved.batch_size == asked.batch_size, "batch_size", num(double(saved.batch_size)), num(double(asked.batch_size)));
    same(saved.patience == asked.patience && saved.min_delta == asked.min_delta, "patience/min_delta",
         num(double(saved.patience)) + "/" + num(saved.min_delta), num(double(asked.patience)) + "/" + num(asked.min_delta));
    same(saved.seed == asked.seed, "seed", std::to_string(saved.seed), std::to_string(asked.seed));
    // A custom transform's function is not saved (the checkpoint says none): trust the caller.
    const auto& st = saved.input_transform;
    const auto& at = asked.input_transform;
    const bool custom = at.kind == InputTransform::Kind::custom && st.kind == InputTransform::Kind::none;
    same(custom || (st.kind == at.kind && st.amount == at.amount), "input transform",
         "kind " + std::to_string(int(st.kind)) + " amount " + num(st.amount),
         "kind " + std::to_string(int(at.kind)) + " amount " + num(at.amount));
    const auto augmentation = [&](const ImageAugmentation& a) {
        return a.enabled ? std::to_string(a.height) + " x " + std::to_string(a.width) + " images, shift " +
                               num(a.max_shift) + ", rotation " + num(a.max_rotation)
                         : std::string("off");
    };
    const ImageAugmentation &sa = saved.augmentation, &aa = asked.augmentation;
    same(sa.enabled == aa.enabled && (!sa.enabled || (sa.height == aa.height && sa.width == aa.width &&
                                                      sa.max_shift == aa.max_shift && sa.max_rotation == aa.max_rotation)),
         "augmentation", augmentation(sa), augmentation(aa));
}

}  // namespace

void Autoencoder::save_checkpoint(const std::string& path) const {
    nn::write_weights_file(path, *this, built_state("save_checkpoint"), true, true);
}

Autoencoder Autoencoder::resume(const std::string& path, AutoencoderOptions options) {
    Autoencoder saved = load_weights(path);
    const State& c = *saved.s_;
    if (c.call.rows == 0)
        N2D_FAIL("n2d: " + path + ": not a checkpoint (a weights file without training state); pass a file written "
                 "by a checkpoint (checkpoint_path, save_checkpoint, n2d fit --checkpoint), or load it as pretrained "
                 "weights");
    require_same_training(c.options, options, path);
    // Rebuild on the caller's device and options, then carry every piece of state across.
    auto s = std::make_unique<State>(c.input_dim, std::move(options));
    s->upload(s->params, c.download(c.params));
    s->ensure_training_buffers();
    for (std::size_t i = 0; i < c.moment_count; ++i) s->upload(s->moments[i], c.download(c.moments[i]));
    s->moment_count = c.moment_count;
    s->step = c.step;
    s->history = c.history;
    s->call = c.call;
    if (c.call.best_epoch) {
        s->best = s->arena();
        s->upload(s->best, c.download(c.best));
    }
    s->continue_call = true;
    return Autoencoder(std::move(s));
}

}  // namespace n2d
