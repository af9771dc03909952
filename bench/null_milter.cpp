// The least any milter can cost an MTA: a libmilter milter that asks for no
// protocol step and no action, so that the MTA only connects, negotiates,
// sends the macros it sends for every step anyway and waits for the one
// answer it cannot do without, end-of-message's. scripts/bench-milter's
// `null-unix` setup runs it beside sift-milter: how much of the throughput
// any milter takes from Postfix on this machine, whatever it does.
//
//     sift_null_milter unix:/path/to/socket
//
// Not part of the product: a measuring stick, like the benchmarks beside it.
#include <libmilter/mfapi.h>

#include <cstdio>

namespace {

sfsistat negotiate(SMFICTX*, unsigned long, unsigned long steps, unsigned long, unsigned long,
                   unsigned long* actions_out, unsigned long* steps_out, unsigned long* f2_out,
                   unsigned long* f3_out) {
    constexpr unsigned long skip_everything = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOMAIL | SMFIP_NORCPT |
                                              SMFIP_NOBODY | SMFIP_NOHDRS | SMFIP_NOEOH | SMFIP_NOUNKNOWN |
                                              SMFIP_NODATA;
    *actions_out = 0;
    *steps_out = steps & skip_everything;
    *f2_out = 0;
    *f3_out = 0;
    return SMFIS_CONTINUE;
}

sfsistat end_of_message(SMFICTX*) {
    return SMFIS_CONTINUE;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s unix:PATH|inet:PORT@HOST\n", argv[0]);
        return 2;
    }
    smfiDesc desc{};
    desc.xxfi_name = const_cast<char*>("sift-null-milter");
    desc.xxfi_version = SMFI_VERSION;
    desc.xxfi_flags = 0;
    desc.xxfi_eom = end_of_message;
    desc.xxfi_negotiate = negotiate;
    if (smfi_setconn(argv[1]) == MI_FAILURE || smfi_setbacklog(4096) == MI_FAILURE ||
        smfi_register(desc) == MI_FAILURE) {
        std::fprintf(stderr, "%s: cannot set up %s\n", argv[0], argv[1]);
        return 1;
    }
    return smfi_main() == MI_SUCCESS ? 0 : 1;
}
