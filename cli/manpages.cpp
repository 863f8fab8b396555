// nbaops man --out DIR: the manual pages, written from the command line's own definition (every
// command's description, options and their help), so they cannot drift from `--help`.
#include "manpages.h"

#include "util/errors.h"
#include "util/files.h"
#include "util/version.h"

#include <CLI/CLI.hpp>

#include <cctype>
#include <filesystem>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace nbaops::cli {

namespace {

// Text for roff: backslashes kept literal, hyphens as \-, no line taken for a request.
std::string roff(const std::string& s)
{
    std::string out;
    for (const char c : s) {
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else
            out += c;
    }
    std::string lines;
    size_t start = 0;
    while (start <= out.size()) {
        const size_t nl = out.find('\n', start);
        std::string line = out.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        if (!line.empty() && (line[0] == '.' || line[0] == '\''))
            line = "\\&" + line;
        lines += line;
        if (nl == std::string::npos)
            break;
        lines += '\n';
        start = nl + 1;
    }
    return lines;
}

std::string upper(std::string s)
{
    for (auto& c : s)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::vector<const CLI::App*> shownCommands(const CLI::App& app)
{
    return app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); });
}

std::vector<const CLI::Option*> shownOptions(const CLI::App& app)
{
    const CLI::Option* help = app.get_help_ptr();
    return app.get_options([help](const CLI::Option* o) { return o != help && !o->get_group().empty(); });
}

void writeOptions(std::string& out, const CLI::App& app)
{
    for (const auto* o : shownOptions(app)) {
        const std::string name = o->get_name(true, true);
        if (name.empty())
            continue;
        if (o->get_positional())
            out += ".TP\n\\fI" + roff(upper(name)) + "\\fR";
        else
            out += ".TP\n\\fB" + roff(name) + "\\fR";
        if (o->get_expected_min() > 0 && !o->get_positional())
            if (const auto type = o->get_type_name(); !type.empty())
                out += " \\fI" + roff(type) + "\\fR";
        out += "\n" + roff(o->get_description().empty() ? std::string("(no description)") : o->get_description());
        if (o->get_required())
            out += " (required)";
        out += "\n";
    }
}

std::string usage(const std::string& path, const CLI::App& app)
{
    std::string s = ".B " + roff(path) + "\n";
    if (!shownOptions(app).empty())
        s += "[\\fIOPTIONS\\fR]";
    if (!shownCommands(app).empty())
        s += " \\fICOMMAND\\fR [\\fIOPTIONS\\fR]";
    return s + "\n";
}

std::string header(const std::string& name, const std::string& summary)
{
    return ".\\\" Written by 'nbaops man' from the command line's own help; do not edit.\n"
           ".TH " +
           upper(roff(name)) + " 1 \"\" \"nbaops " + std::string(version()) +
           "\" \"nbaops manual\"\n"
           ".SH NAME\n" +
           roff(name) + " \\- " + roff(summary) + "\n";
}

const char* kExit = ".SH EXIT STATUS\n"
                    ".TP\n\\fB0\\fR\nDone; for a check, healthy.\n"
                    ".TP\n\\fB1\\fR\nDone with a finding: degraded, quarantined rows, a no-go.\n"
                    ".TP\n\\fB2\\fR\nA check found a failure.\n"
                    ".TP\n\\fB3\\fR\nAn operational problem (database, network, registry); the message says "
                    "what and what to do.\n"
                    ".TP\n\\fB64\\fR\nA usage error: a wrong option, date or value.\n"
                    ".TP\n\\fB130\\fR\nCancelled (Ctrl+C or SIGTERM); what was done is kept.\n";

// One page per top-level command; nested commands are its sections.
std::string commandPage(const CLI::App& cmd)
{
    const std::string name = "nbaops-" + cmd.get_name();
    std::string out = header(name, cmd.get_description());
    out += ".SH SYNOPSIS\n" + usage("nbaops " + cmd.get_name(), cmd);
    out += ".SH DESCRIPTION\n" + roff(cmd.get_description()) + ".\n";
    if (!shownOptions(cmd).empty()) {
        out += ".SH OPTIONS\n";
        writeOptions(out, cmd);
    }
    for (const auto* sub : shownCommands(cmd)) {
        out += ".SH \"" + roff("nbaops " + cmd.get_name() + " " + sub->get_name()) + "\"\n";
        out += roff(sub->get_description()) + ".\n";
        writeOptions(out, *sub);
        for (const auto* leaf : shownCommands(*sub)) {
            out += ".SS \"" + roff(sub->get_name() + " " + leaf->get_name()) + "\"\n";
            out += roff(leaf->get_description()) + ".\n";
            writeOptions(out, *leaf);
        }
    }
    out += ".SH \"GLOBAL OPTIONS\"\nThe options of \\fBnbaops\\fR(1) (\\-\\-db, \\-\\-backend, \\-\\-verbose) go "
           "before the command.\n";
    out += kExit;
    out += ".SH \"SEE ALSO\"\n\\fBnbaops\\fR(1), \\fBnbaops\\-console\\fR(1)\n";
    return out;
}

std::string mainPage(const CLI::App& app)
{
    std::string out = header("nbaops", "run and check the NBA player-props data and ML pipeline");
    out += ".SH SYNOPSIS\n" + usage("nbaops", app);
    out += ".SH DESCRIPTION\n" + roff(app.get_description()) +
           ".\nThe same jobs run from the console, \\fBnbaops\\-console\\fR(1). Each command has its own "
           "page, \\fBnbaops\\-\\fR\\fICOMMAND\\fR(1), and its own \\fB\\-\\-help\\fR.\n";
    out += ".SH OPTIONS\n";
    writeOptions(out, app);
    out += ".SH COMMANDS\n";
    for (const auto* c : shownCommands(app))
        out += ".TP\n\\fBnbaops\\-" + roff(c->get_name()) + "\\fR(1)\n" + roff(c->get_description()) + "\n";
    out += ".SH FILES\n.TP\n\\fI$XDG_DATA_HOME/nbaops/nbaops.db\\fR\nThe database of local mode "
           "(\\fI~/.local/share/nbaops/nbaops.db\\fR without XDG_DATA_HOME).\n"
           ".TP\n\\fI$XDG_CONFIG_HOME/nbaops/settings.json\\fR\nThe backend and the cloud project; secrets "
           "stay in the OS keychain.\n"
           ".TP\n\\fI/usr/lib/systemd/user/nbaops\\-*.timer\\fR\nThe nightly run, repair, backup and digest "
           "timers; \\fBsystemctl \\-\\-user enable \\-\\-now nbaops\\-nightly.timer\\fR starts one, or "
           "\\fBnbaops schedule install\\fR writes them for another database.\n";
    out += kExit;
    out += ".SH \"SEE ALSO\"\n\\fBnbaops\\-console\\fR(1)";
    for (const auto* c : shownCommands(app))
        out += ", \\fBnbaops\\-" + roff(c->get_name()) + "\\fR(1)";
    return out + "\n";
}

} // namespace

std::vector<std::string> writeManPages(const CLI::App& app, const std::filesystem::path& dir)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        throw OpsError("could not create " + dir.string() + ": " + ec.message());
    std::vector<std::string> written{"nbaops.1"};
    writeFileAtomically(dir / "nbaops.1", mainPage(app));
    for (const auto* c : shownCommands(app)) {
        written.push_back("nbaops-" + c->get_name() + ".1");
        writeFileAtomically(dir / written.back(), commandPage(*c));
    }
    return written;
}

void addManCommand(CLI::App& app, std::function<int()>& action)
{
    auto* cmd = app.add_subcommand("man", "Write the manual pages (nbaops.1 and one per command)");
    cmd->group(""); // for packaging: not listed in --help
    auto out = std::make_shared<std::string>();
    cmd->add_option("--out", *out, "Folder for the pages")->required();
    cmd->callback([&app, &action, out] {
        action = [&app, out] {
            const auto pages = writeManPages(app, *out);
            std::printf("wrote %zu manual pages in %s\n", pages.size(), out->c_str());
            return 0;
        };
    });
}

} // namespace nbaops::cli
