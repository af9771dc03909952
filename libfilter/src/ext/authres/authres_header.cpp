#include "ext/authres/authres_header.hpp"

#include "mail/header.hpp"

namespace sift::ext::authres {

namespace {

bool is_keyword_char(char c) {  // RFC 5321 Ldh-str, and '_' as some checkers write it
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}
bool is_name_char(char c) {
    return is_keyword_char(c) || c == '.';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
// RFC 2045 token: no space, control or tspecial; 8-bit allowed (RFC 6532).
bool is_token_char(char c) {
    auto u = static_cast<unsigned char>(c);
    return u > ' ' && u != 127 && std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
}
// A pvalue as written: a token, or [local-part "@"] domain-name.
bool is_value_char(char c) {
    auto u = static_cast<unsigned char>(c);
    return u > ' ' && u != 127 && c != ';' && c != '(' && c != ')' && c != '"';
}

class reader {
public:
    explicit reader(std::string_view s) : s_(s) {}

    bool at_end() const { return i_ >= s_.size(); }
    char peek() const { return at_end() ? '\0' : s_[i_]; }
    bool eat(char c) {
        if (peek() != c) return false;
        ++i_;
        return true;
    }

    // Whitespace, line breaks and comments; with `comments`, the text of
    // each comment (its parentheses dropped) is added there.
    void skip_cfws(std::vector<std::string_view>* comments = nullptr) {
        while (!at_end()) {
            char c = s_[i_];
            if (mail::is_wsp(c) || c == '\r' || c == '\n') {
                ++i_;
            } else if (c == '(') {
                std::size_t end = mail::end_of_comment(s_, i_);
                if (comments) {
                    std::size_t inner_end = end > i_ + 1 && s_[end - 1] == ')' ? end - 1 : end;
                    comments->push_back(s_.substr(i_ + 1, inner_end - i_ - 1));
                }
                i_ = end;
            } else {
                return;
            }
        }
    }

    std::string_view run(bool (*ok)(char)) {
        std::size_t b = i_;
        while (!at_end() && ok(s_[i_])) ++i_;
        return s_.substr(b, i_ - b);
    }

    // At a '"': the string with quoted-pairs resolved (an unterminated
    // one runs to the end).
    std::string quoted() { return mail::read_quoted(s_, i_); }

    // On to the next ';' outside quoted strings and comments.
    void skip_to_semicolon() {
        while (!at_end() && s_[i_] != ';') {
            if (s_[i_] == '"') {
                quoted();
            } else if (s_[i_] == '(') {
                i_ = mail::end_of_comment(s_, i_);
            } else {
                ++i_;
            }
        }
    }

    std::size_t pos() const { return i_; }
    void seek(std::size_t at) { i_ = at; }

private:
    std::string_view s_;
    std::size_t i_ = 0;
};

// ptype [CFWS] "." [CFWS] property, or a bare name.
std::string read_name(reader& r) {
    std::string name(r.run(is_name_char));
    while (!name.empty()) {
        std::size_t back = r.pos();
        r.skip_cfws();
        if (!r.eat('.')) {
            r.seek(back);
            break;
        }
        r.skip_cfws();
        name += '.';
        name += r.run(is_name_char);
    }
    return mail::ascii_lower(name);
}

std::string read_value(reader& r) {
    if (r.peek() != '"') return std::string(r.run(is_value_char));
    std::string v = r.quoted();
    if (r.peek() == '@') v += r.run(is_value_char);  // "quoted local"@domain
    return v;
}

// "p=reject sp=none dis=none": the key=value words of a comment.
void add_comment_pairs(std::string_view comment, resinfo& into) {
    std::size_t i = 0;
    while (i < comment.size()) {
        while (i < comment.size() && !is_keyword_char(comment[i])) ++i;
        std::size_t b = i;
        while (i < comment.size() && is_keyword_char(comment[i])) ++i;
        std::string_view key = comment.substr(b, i - b);
        if (key.empty() || i >= comment.size() || comment[i] != '=') {
            while (i < comment.size() && !mail::is_wsp(comment[i])) ++i;
            continue;
        }
        std::size_t v = ++i;
        while (i < comment.size() && !mail::is_wsp(comment[i]) && comment[i] != ',' && comment[i] != ';' &&
               comment[i] != ')' && comment[i] != '(')
            ++i;
        into.properties.push_back({mail::ascii_lower(key), std::string(comment.substr(v, i - v))});
    }
}

}  // namespace

const std::string* resinfo::find(std::string_view name) const {
    for (const auto& p : properties)
        if (p.name == name) return &p.value;
    return nullptr;
}

std::optional<header> parse(std::string_view value) {
    reader r(value);
    header h;
    r.skip_cfws();
    h.authserv_id = r.peek() == '"' ? r.quoted() : std::string(r.run(is_token_char));
    if (h.authserv_id.empty()) return std::nullopt;
    r.skip_cfws();
    r.run(is_digit);  // authres-version
    while (!r.at_end()) {
        r.skip_cfws();
        if (!r.eat(';')) {
            r.skip_to_semicolon();  // junk where a ';' should be
            continue;
        }
        r.skip_cfws();
        std::string method = mail::ascii_lower(r.run(is_keyword_char));
        r.skip_cfws();
        if (r.eat('/')) {  // method-version
            r.skip_cfws();
            r.run(is_digit);
            r.skip_cfws();
        }
        if (method.empty() || !r.eat('=')) continue;  // "; none", or not a resinfo
        r.skip_cfws();
        resinfo info{method, mail::ascii_lower(r.run(is_keyword_char)), {}};
        if (info.result.empty()) continue;
        while (true) {
            std::vector<std::string_view> comments;
            r.skip_cfws(&comments);
            for (auto c : comments) add_comment_pairs(c, info);
            if (r.at_end() || r.peek() == ';') break;
            std::string name = read_name(r);
            r.skip_cfws();
            if (name.empty() || !r.eat('=')) {
                r.skip_to_semicolon();
                break;
            }
            r.skip_cfws();
            info.properties.push_back({std::move(name), read_value(r)});
        }
        h.results.push_back(std::move(info));
    }
    return h;
}

}  // namespace sift::ext::authres
