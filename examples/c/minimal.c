/* The README's C example: fit N2D on the built-in synthetic data, score it, save the model. */
#include <stdio.h>
#include <n2d/n2d.h>

int main(void) {
    static float x[600 * 16];
    static int truth[600], labels[600];
    n2d_options* o = NULL; n2d_model* m = NULL; n2d_scores s;
    n2d_make_synthetic(600, 3, 16, 1, x, 600 * 16, truth, 600);
    n2d_options_create(&o);
    n2d_options_set_n_clusters(o, 3);
    n2d_options_set(o, "ae.architecture", "64,64,128"); /* any key `n2d info MODEL` lists */
    n2d_options_set_epochs(o, 40);
    n2d_options_set_batch_size(o, 32);
    if (n2d_model_create(o, &m) || n2d_model_fit_predict(m, x, 600, 16, 16, labels, 600) ||
        n2d_assess(truth, labels, 600, &s) || n2d_model_save(m, "synthetic.n2d"))
        return fprintf(stderr, "%s\n", n2d_last_error()), 1;
    printf("ACC %.3f NMI %.3f\n", s.accuracy, s.nmi);
    n2d_model_free(m); n2d_options_free(o);
    return s.accuracy > 0.9 ? 0 : 2;
}
