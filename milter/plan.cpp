#include "plan.hpp"
#include "ascii.hpp"

#include <algorithm>
#include <map>

namespace sift::milter {

namespace {

void hex_byte(std::string& out, char marker, unsigned char c) {
    static constexpr char digits[] = "0123456789ABCDEF";
    out += marker;
    out += digits[c >> 4];
    out += digits[c & 15];
}

// The ESMTP parameters of an added recipient that stands for `r`: its ORCPT
// (the one it came with, else its own address) and its NOTIFY, which
// Postfix 3.7 honours (MILTER-NOTES.md).
std::string original_params(const recipient& r) {
    std::string orcpt = "ORCPT=rfc822;" + xtext(r.address);
    std::string notify;
    for (const auto& p : r.esmtp) {
        if (p.size() > 6 && iequals(p.substr(0, 6), "ORCPT=")) orcpt = p;
        if (p.size() > 7 && iequals(p.substr(0, 7), "NOTIFY=")) notify = p;
    }
    return notify.empty() ? orcpt : orcpt + " " + notify;
}

// One result's editheader changes: removals first, each name's from its
// last field up (so no index moves under another), then the additions in
// the order the script made them; a field the script added and removed
// again is not added.
std::vector<edit> header_changes(const std::vector<header_edit>& edits) {
    std::vector<edit> adds;
    std::vector<edit> removes;
    for (const auto& e : edits) {
        if (e.what == header_edit::kind::add) {
            adds.push_back(
                {e.last ? edit::kind::add_header : edit::kind::insert_header, e.name, milter_value(e.value)});
        } else if (e.occurrence == 0) {
            auto value = milter_value(e.value);
            auto it = std::find_if(adds.rbegin(), adds.rend(), [&](const edit& a) {
                return iequals(a.name, e.name) && a.value == value;
            });
            if (it != adds.rend()) adds.erase(std::next(it).base());
        } else {
            removes.push_back({edit::kind::delete_header, e.name, {}, {}, e.occurrence});
        }
    }
    std::stable_sort(removes.begin(), removes.end(), [](const edit& a, const edit& b) {
        auto la = lower(a.name), lb = lower(b.name);
        return la != lb ? la < lb : a.index > b.index;
    });
    removes.insert(removes.end(), adds.begin(), adds.end());
    return removes;
}

// A rewritten message (replace, enclose) in place of the received one:
// every received field deleted, the new ones added, the body replaced.
std::vector<edit> message_swap(const rewritten_message& m, const std::vector<std::string>& header_names) {
    std::vector<edit> out;
    std::map<std::string, unsigned> seen;
    std::vector<edit> deletes;
    for (const auto& n : header_names)
        deletes.push_back({edit::kind::delete_header, n, {}, {}, ++seen[lower(n)]});
    out.assign(deletes.rbegin(), deletes.rend());
    std::string_view header = m.header();
    std::size_t pos = 0;
    while (pos < header.size()) {
        auto end = header.find('\n', pos);
        if (end == std::string_view::npos) end = header.size();
        std::string_view line = header.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        pos = end + 1;
        if (line.empty()) break;  // the empty line after the header
        if ((line.front() == ' ' || line.front() == '\t') && !out.empty() &&
            out.back().what == edit::kind::add_header) {
            out.back().value += "\n" + std::string(line);
            continue;
        }
        auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        out.push_back({edit::kind::add_header, std::string(line.substr(0, colon)),
                       milter_value(line.substr(colon + 1))});
    }
    out.push_back({edit::kind::replace_body, {}, std::string(m.body())});
    return out;
}

// One pass of header edits for the message, whichever recipients' runs
// they came from: every removal first (each name's last field first, so no
// index moves under another), then the additions in order. A removal and
// an addition of one name are not made one smfi_chgheader: that would
// leave the new field where the received one was, below the trace fields,
// where addheader puts it on top (RFC 5293 §4; the Sendmail end-to-end
// test's forged score fields showed it).
std::vector<edit> one_pass(std::vector<edit> edits) {
    std::vector<edit> removes, adds;
    for (auto& e : edits) (e.what == edit::kind::delete_header ? removes : adds).push_back(std::move(e));
    std::stable_sort(removes.begin(), removes.end(), [](const edit& a, const edit& b) {
        auto la = lower(a.name), lb = lower(b.name);
        return la != lb ? la < lb : a.index > b.index;
    });
    removes.insert(removes.end(), std::make_move_iterator(adds.begin()), std::make_move_iterator(adds.end()));
    return removes;
}

void add_once(std::vector<edit>& edits, edit e) {
    if (std::find(edits.begin(), edits.end(), e) == edits.end()) edits.push_back(std::move(e));
}

// The address a recipient's INBOX copy goes to (decide).
std::string inbox_address(const recipient& r, const local_delivery* local) {
    if (!local || !delivered_locally(*local, r)) return r.address;
    return without_detail(r.address, local->delimiters);
}

}  // namespace

bool delivered_locally(const local_delivery& local, const recipient& r) {
    return !r.mailer.empty() && std::any_of(local.mailers.begin(), local.mailers.end(),
                                            [&](const std::string& m) { return iequals(m, r.mailer); });
}

std::string without_detail(std::string_view address, std::string_view delimiters) {
    auto at = address.rfind('@');
    std::string_view local = address.substr(0, at);
    auto cut = delimiters.empty() ? std::string_view::npos : local.find_first_of(delimiters);
    // A local part that starts with the delimiter ("+x@d") is not a detail
    // of anyone's.
    if (cut == std::string_view::npos || cut == 0) return std::string(address);
    std::string out(local.substr(0, cut));
    if (at != std::string_view::npos) out += address.substr(at);
    return out;
}

std::vector<std::string> delivered_to(const recipient& r, const sift::result& res,
                                      std::string_view quarantine_folder, const local_delivery* local) {
    std::vector<std::string> out;
    for (const auto& f : res.folders()) {
        if (f.empty() || iequals(f, "INBOX"))
            out.push_back(inbox_address(r, local));
        else if (!quarantine_folder.empty() && iequals(f, quarantine_folder))
            out.push_back(r.address);
        else
            out.push_back(plus_address(r.address, f));
    }
    for (const auto& to : res.redirects()) out.push_back(to);
    return out;
}

std::string_view name(plan::outcome o) {
    switch (o) {
        case plan::outcome::accept:
            return "accept";
        case plan::outcome::refuse:
            return "refuse";
        case plan::outcome::tempfail:
            return "tempfail";
        case plan::outcome::discard:
            return "discard";
    }
    return "?";
}

std::string xtext(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if (c < '!' || c > '~' || c == '+' || c == '=')
            hex_byte(out, '+', c);
        else
            out += char(c);
    }
    return out;
}

std::string folder_detail(std::string_view folder) {
    std::string out;
    for (std::size_t i = 0; i < folder.size(); ++i) {
        unsigned char c = folder[i];
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                     c == '_';
        bool inner_dot = c == '.' && i > 0 && i + 1 < folder.size() && folder[i - 1] != '.';
        if (plain || inner_dot)
            out += char(c);
        else
            hex_byte(out, '=', c);
    }
    return out;
}

std::string plus_address(std::string_view address, std::string_view folder) {
    auto at = address.rfind('@');
    std::string_view local = address.substr(0, at);
    if (auto plus = local.find('+'); plus != std::string_view::npos) local = local.substr(0, plus);
    std::string out(local);
    out += '+';
    out += folder_detail(folder);
    if (at != std::string_view::npos) out += address.substr(at);
    return out;
}

std::string milter_value(std::string_view value) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    std::string out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i)
        if (!(value[i] == '\r' && i + 1 < value.size() && value[i + 1] == '\n')) out += value[i];
    return out;
}

bool off_domain(const srs::config& c, std::string_view address) {
    auto at = address.rfind('@');
    if (at == std::string_view::npos) return false;  // a local name: not forwarded elsewhere
    return !srs::local_domain(c, address.substr(at + 1));
}

plan reverse_srs(const std::vector<reversed_recipient>& rcpts) {
    plan p;
    std::vector<edit> additions;
    for (const auto& r : rcpts) {
        add_once(p.edits, {edit::kind::delete_rcpt, {}, r.rcpt.arg});
        add_once(additions, {edit::kind::add_rcpt, {}, r.original, original_params(r.rcpt)});
    }
    p.edits.insert(p.edits.end(), additions.begin(), additions.end());
    return p;
}

plan decide(const std::vector<recipient>& rcpts, const std::vector<sift::result>& results,
            const std::vector<std::string>& header_names, const srs_context* srs,
            std::string_view quarantine_folder, const local_delivery* local) {
    using vk = sift::verdict::kind;
    for (const auto& r : results)
        if (r.verdict.what == vk::tempfail)
            return {plan::outcome::tempfail, 451, "4.3.0",
                    "Temporary failure in message filtering, try again later"};
    for (const auto& r : results)
        if (r.verdict.what == vk::refuse)
            return {plan::outcome::refuse, r.verdict.smtp_code, r.verdict.enhanced_code, r.verdict.text};
    if (!results.empty() && std::all_of(results.begin(), results.end(),
                                        [](const auto& r) { return r.verdict.what == vk::discard; }))
        return {plan::outcome::discard};

    plan p;
    // Every recipient removed before any is added: Postfix's delrcpt removes
    // each recipient of that address, one added a moment before included, so
    // "add bob+Shopping, delete bob+Shopping" (mail to bob+Shopping that the
    // policy files into Shopping) or "add carol" for a redirect beside
    // carol's own discard would leave nobody, and Postfix would drop the
    // message without a word (found by the end-to-end test).
    std::vector<edit> removals, additions, header;
    std::map<std::string, std::vector<std::string>>
        added_by;  // field name -> the values its first adder added
    const rewritten_message* swapped = nullptr;
    bool forwards_off_domain = false;
    for (std::size_t i = 0; i < results.size() && i < rcpts.size(); ++i) {
        const auto& r = results[i];
        const auto& rcpt = rcpts[i];
        if (r.verdict.what == vk::discard) {
            removals.push_back({edit::kind::delete_rcpt, {}, rcpt.arg});
            continue;
        }
        if (r.message && !swapped) swapped = &*r.message;
        if (!r.message) {
            // The header is one for all recipients: a field another
            // recipient's run added with other values is not added again.
            auto changes = header_changes(r.header_edits);
            std::map<std::string, std::vector<std::string>> mine;
            for (const auto& e : changes)
                if (e.what != edit::kind::delete_header) mine[lower(e.name)].push_back(e.value);
            for (auto& e : changes) {
                if (e.what != edit::kind::delete_header) {
                    auto [owner, fresh] = added_by.try_emplace(lower(e.name), mine[lower(e.name)]);
                    if (!fresh && owner->second != mine[lower(e.name)]) {
                        if (std::find(p.header_conflicts.begin(), p.header_conflicts.end(), e.name) ==
                            p.header_conflicts.end())
                            p.header_conflicts.push_back(e.name);
                        continue;
                    }
                }
                add_once(header, std::move(e));
            }
        }
        bool kept = false;   // the recipient as it came still gets a copy
        bool inbox = false;  // a copy for INBOX
        for (const auto& folder : r.folders()) {
            if (folder.empty() || iequals(folder, "INBOX")) {
                inbox = true;
                continue;
            }
            // The quarantine folder: the whole message is held at the MTA
            // (one queue file for all recipients), this recipient left as
            // it came, to be delivered as addressed if the hold is released.
            if (!quarantine_folder.empty() && iequals(folder, quarantine_folder)) {
                kept = true;
                if (p.quarantine.empty())
                    p.quarantine = "sift: " + rcpt.address + "'s run filed it into " + std::string(folder);
                continue;
            }
            auto to = plus_address(rcpt.address, folder);
            if (to == rcpt.address)
                kept = true;  // already addressed to that folder: left as it came, ORCPT and all
            else
                add_once(additions, {edit::kind::add_rcpt, {}, std::move(to), original_params(rcpt)});
        }
        for (const auto& to : r.redirects()) {
            if (to == rcpt.address) {
                kept = true;
                continue;
            }
            add_once(additions, {edit::kind::add_rcpt, {}, to, {}});
            if (srs && off_domain(srs->config, to)) forwards_off_domain = true;
        }
        // INBOX is the address without its detail where the delivery agent
        // would file the detail (lmtp_save_to_detail_mailbox), else as it came.
        if (inbox) {
            auto to = inbox_address(rcpt, local);
            if (to == rcpt.address)
                kept = true;
            else
                add_once(additions, {edit::kind::add_rcpt, {}, std::move(to), original_params(rcpt)});
        }
        if (!kept) removals.push_back({edit::kind::delete_rcpt, {}, rcpt.arg});
    }
    std::vector<edit> envelope;
    if (forwards_off_domain) {
        auto f = srs::forward(srs->config, srs->sender, srs->now);
        if (f.outcome == srs::forward_outcome::rewritten)
            envelope.push_back({edit::kind::change_from, {}, "<" + f.address + ">"});
    }
    envelope.insert(envelope.end(), removals.begin(), removals.end());
    envelope.insert(envelope.end(), additions.begin(), additions.end());
    p.edits = one_pass(std::move(header));
    // A rewritten message carries every edit of its run already (result.hpp).
    if (swapped) p.edits = message_swap(*swapped, header_names);
    // The envelope before any body replacement: Postfix allows no other
    // edit between body chunks (MILTER-NOTES.md, body_edit_lockout).
    auto body = std::find_if(p.edits.begin(), p.edits.end(),
                             [](const edit& e) { return e.what == edit::kind::replace_body; });
    p.edits.insert(body, envelope.begin(), envelope.end());
    return p;
}

}  // namespace sift::milter
