#include "fake_libmilter.hpp"

#include <cstdarg>
#include <cstring>
#include <string>

namespace {
int result(SMFICTX* ctx) {
    ++ctx->calls;
    return ctx->calls_fail ? MI_FAILURE : MI_SUCCESS;
}
bool text_ok(const char* s) {
    return s != nullptr && std::strlen(s) < 1'000'000;
}
}  // namespace

extern "C" {

void* smfi_getpriv(SMFICTX* ctx) {
    return ctx->priv;
}

int smfi_setpriv(SMFICTX* ctx, void* p) {
    ctx->priv = p;  // libmilter stores it even when it reports nothing else
    return MI_SUCCESS;
}

char* smfi_getsymval(SMFICTX* ctx, char* name) {
    auto it = ctx->macros.find(name ? name : "");
    return it == ctx->macros.end() ? nullptr : it->second.data();
}

int smfi_setreply(SMFICTX* ctx, char* code, char* enhanced, char* text) {
    // libmilter's own checks: a 4xx or 5xx code, no bare CR/LF in the text.
    if (!code || std::strlen(code) != 3 || (code[0] != '4' && code[0] != '5')) return MI_FAILURE;
    if (text && (std::strchr(text, '\r') || std::strchr(text, '\n'))) return MI_FAILURE;
    ctx->last_reply = std::string(code) + " " + (enhanced ? enhanced : "") + " " + (text ? text : "");
    return result(ctx);
}

int smfi_setmlreply(SMFICTX* ctx, const char* code, const char* enhanced, ...) {
    // libmilter's own checks: a 4xx or 5xx code, 1 to 32 lines without CR or LF.
    if (!code || std::strlen(code) != 3 || (code[0] != '4' && code[0] != '5')) return MI_FAILURE;
    std::va_list ap;
    va_start(ap, enhanced);
    std::string all;
    int n = 0;
    for (const char* line = va_arg(ap, const char*); line; line = va_arg(ap, const char*)) {
        if (++n > 32 || std::strchr(line, '\r') || std::strchr(line, '\n') || std::strlen(line) > 980) {
            va_end(ap);
            return MI_FAILURE;
        }
        all += std::string(code) + (enhanced ? " " + std::string(enhanced) : "") + " " + line + "\n";
    }
    va_end(ap);
    if (n == 0) return MI_FAILURE;
    ctx->last_reply = all;
    return result(ctx);
}

int smfi_addheader(SMFICTX* ctx, char* name, char* value) {
    return text_ok(name) && text_ok(value) ? result(ctx) : MI_FAILURE;
}
int smfi_insheader(SMFICTX* ctx, int, char* name, char* value) {
    return text_ok(name) && text_ok(value) ? result(ctx) : MI_FAILURE;
}
int smfi_chgheader(SMFICTX* ctx, char* name, int, char*) {
    return text_ok(name) ? result(ctx) : MI_FAILURE;
}
int smfi_chgfrom(SMFICTX* ctx, char* from, char*) {
    return text_ok(from) ? result(ctx) : MI_FAILURE;
}
int smfi_addrcpt(SMFICTX* ctx, char* rcpt) {
    return text_ok(rcpt) ? result(ctx) : MI_FAILURE;
}
int smfi_addrcpt_par(SMFICTX* ctx, char* rcpt, char*) {
    return text_ok(rcpt) ? result(ctx) : MI_FAILURE;
}
int smfi_delrcpt(SMFICTX* ctx, char* rcpt) {
    return text_ok(rcpt) ? result(ctx) : MI_FAILURE;
}
int smfi_replacebody(SMFICTX* ctx, unsigned char* body, int len) {
    return (body || len == 0) && len >= 0 ? result(ctx) : MI_FAILURE;
}
int smfi_quarantine(SMFICTX* ctx, char* reason) {
    return text_ok(reason) ? result(ctx) : MI_FAILURE;
}

}  // extern "C"
