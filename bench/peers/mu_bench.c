/* GNU Mailutils' libmu_sieve measured in-process, the way Sift's
 * compile_bench and eval_bench measure Sift: the compile rate of the same
 * small header script (machine create + compile + destroy, as a fresh
 * sift::script is), and the evaluation rate of that script over messages
 * whose headers were parsed beforehand. Built and run by scripts/bench-peers
 * when libmailutils-dev is installed; prints one summary line.
 *
 *     mu_bench MBOX [MESSAGES]
 *     mu_bench --compile           the compile rate alone
 *     mu_bench --compile-loop N    N compiles and nothing else (for callgrind,
 *                                  as Sift's sift_compile_loop)
 */
#include <mailutils/mailutils.h>
#include <mailutils/sieve.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char script[] =
    "require [\"fileinto\"];\n"
    "if header :is \"X-Spam-Flag\" \"YES\" { fileinto \"Spam\"; stop; }\n"
    "if header :contains \"Subject\" [\"viagra\", \"lottery winner\", \"claim your prize\"] { fileinto "
    "\"Spam\"; stop; }\n"
    "if exists \"List-Id\" { fileinto \"Lists\"; stop; }\n"
    "if header :contains [\"From\", \"Sender\"] \"billing.example.com\" { fileinto \"Invoices\"; }\n";

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static mu_sieve_machine_t compiled(void) {
    mu_sieve_machine_t m;
    struct mu_locus_point pt = {"bench.sieve", 1, 0};
    if (mu_sieve_machine_create(&m) || mu_sieve_compile_text(m, script, sizeof script - 1, &pt)) {
        fprintf(stderr, "mu_bench: compile failed\n");
        exit(1);
    }
    return m;
}

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: mu_bench MBOX [MESSAGES] | --compile | --compile-loop N\n");
        return 2;
    }
    if (strcmp(argv[1], "--compile-loop") == 0) {
        long n = argc > 2 ? strtol(argv[2], 0, 10) : 0;
        for (long k = 0; k < n; ++k) {
            mu_sieve_machine_t m = compiled();
            mu_sieve_machine_destroy(&m);
        }
        return 0;
    }
    size_t want = argc > 2 ? strtoul(argv[2], 0, 10) : 2000;
    mu_registrar_record(mu_mbox_record);

    /* Compile rate. */
    size_t compiles = 0;
    double start = now(), t;
    while ((t = now()) - start < 1.0)
        for (int k = 0; k < 100; ++k, ++compiles) {
            mu_sieve_machine_t m = compiled();
            mu_sieve_machine_destroy(&m);
        }
    double compile_rate = compiles / (t - start);
    if (strcmp(argv[1], "--compile") == 0) {
        printf("mailutils libmu_sieve (in-process): compile %.0f scripts/s\n", compile_rate);
        return 0;
    }

    /* Pre-parsed messages: headers read once before timing. */
    mu_mailbox_t mbox;
    char url[4096];
    snprintf(url, sizeof url, "mbox://%s", argv[1]);
    if (mu_mailbox_create(&mbox, url) || mu_mailbox_open(mbox, MU_STREAM_READ)) {
        fprintf(stderr, "mu_bench: cannot open %s\n", url);
        return 1;
    }
    size_t total = 0;
    mu_mailbox_messages_count(mbox, &total);
    if (want > total) want = total;
    mu_message_t* msgs = calloc(want, sizeof *msgs);
    for (size_t i = 0; i < want; ++i) {
        mu_header_t h;
        const char* v;
        mu_mailbox_get_message(mbox, i + 1, &msgs[i]);
        mu_message_get_header(msgs[i], &h);
        mu_header_sget_value(h, "Subject", &v);
    }
    mu_sieve_machine_t m = compiled();
    mu_sieve_set_dry_run(m, 1);
    size_t evals = 0;
    start = now();
    while ((t = now()) - start < 1.0)
        for (size_t i = 0; i < want; ++i, ++evals) mu_sieve_message(m, msgs[i]);
    double eval_rate = evals / (t - start);
    printf(
        "mailutils libmu_sieve (in-process): compile %.0f scripts/s, header script over pre-parsed messages "
        "%.0f msgs/s\n",
        compile_rate, eval_rate);
    return 0;
}
