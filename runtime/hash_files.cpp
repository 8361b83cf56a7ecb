// hashFiles(): glob the workspace, SHA-256 each file, SHA-256 the digests.
#include "runtime/hash_files.h"

#include "llvm/ADT/StringExtras.h"

#include <openssl/evp.h>

#include <algorithm>
#include <fnmatch.h>
#include <fstream>
#include <memory>
#include <set>
#include <sys/stat.h>
#include <dirent.h>

namespace runtime {

namespace {

struct Pattern {
  bool negate = false;
  std::vector<std::string> segments;
};

/// Normalizes one pattern; false when it is blank or a comment.
bool compilePattern(llvm::StringRef raw, llvm::StringRef workspace, Pattern &out) {
  llvm::StringRef p = raw.trim();
  if (p.empty() || p.startswith("#"))
    return false;
  while (p.consume_front("!"))
    out.negate = !out.negate;
  p = p.trim();
  std::string ws = workspace.rtrim('/').str() + "/";
  if (p.startswith(ws))
    p = p.drop_front(ws.size());
  while (p.consume_front("./"))
    ;
  llvm::SmallVector<llvm::StringRef, 8> parts;
  p.split(parts, '/', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef s : parts)
    if (s != ".")
      out.segments.push_back(s.str());
  return !out.segments.empty();
}

bool segmentMatches(const std::string &pattern, llvm::StringRef name) {
  std::string n = name.str();
  return fnmatch(pattern.c_str(), n.c_str(), 0) == 0;
}

/// Matches pattern segments [pi..] against path segments [si..]; `prefixOk`
/// accepts a path that the pattern matches through an ancestor.
bool matchSegments(const std::vector<std::string> &pat, size_t pi,
                   llvm::ArrayRef<llvm::StringRef> path, size_t si) {
  if (pi == pat.size())
    return true; // pattern exhausted: this path or one of its ancestors matched
  if (pat[pi] == "**") {
    for (size_t k = si; k <= path.size(); ++k)
      if (matchSegments(pat, pi + 1, path, k))
        return true;
    return false;
  }
  if (si == path.size())
    return false;
  if (!segmentMatches(pat[pi], path[si]))
    return false;
  return matchSegments(pat, pi + 1, path, si + 1);
}

bool patternMatches(const Pattern &p, llvm::StringRef path) {
  llvm::SmallVector<llvm::StringRef, 16> segs;
  path.split(segs, '/', -1, false);
  return matchSegments(p.segments, 0, segs, 0);
}

struct Walker {
  std::string root;
  std::set<std::pair<dev_t, ino_t>> visited;
  std::vector<std::string> files;

  void walk(const std::string &rel) {
    std::string dir = rel.empty() ? root : root + "/" + rel;
    struct stat st;
    if (stat(dir.c_str(), &st) != 0 || !visited.insert({st.st_dev, st.st_ino}).second)
      return;
    std::unique_ptr<DIR, int (*)(DIR *)> d(opendir(dir.c_str()), closedir);
    if (!d)
      return;
    std::vector<std::string> names;
    while (dirent *e = readdir(d.get())) {
      llvm::StringRef n = e->d_name;
      if (n != "." && n != "..")
        names.push_back(n.str());
    }
    for (const std::string &n : names) {
      std::string childRel = rel.empty() ? n : rel + "/" + n;
      std::string full = root + "/" + childRel;
      if (stat(full.c_str(), &st) != 0)
        continue; // dangling link
      if (S_ISDIR(st.st_mode))
        walk(childRel);
      else if (S_ISREG(st.st_mode))
        files.push_back(childRel);
    }
  }
};

bool sha256File(const std::string &path, unsigned char out[32]) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX *)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), buf.size());
    if (in.gcount() > 0)
      EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(in.gcount()));
  }
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx.get(), out, &len);
  return len == 32;
}

} // namespace

bool globMatches(llvm::StringRef pattern, llvm::StringRef path) {
  Pattern p;
  if (!compilePattern(pattern, "", p))
    return false;
  return patternMatches(p, path);
}

llvm::Expected<std::vector<std::string>>
matchWorkspaceFiles(llvm::StringRef workspace, llvm::ArrayRef<std::string> patterns) {
  struct stat st;
  std::string root = workspace.rtrim('/').str();
  if (root.empty())
    root = "/";
  if (stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return llvm::createStringError(std::errc::no_such_file_or_directory,
                                   "workspace '%s' is not a directory", root.c_str());
  std::vector<Pattern> pats;
  for (const std::string &raw : patterns) {
    Pattern p;
    if (compilePattern(raw, root, p))
      pats.push_back(std::move(p));
  }
  if (pats.empty())
    return std::vector<std::string>{};
  Walker w;
  w.root = root;
  w.walk("");
  char *realRoot = realpath(root.c_str(), nullptr);
  std::string realRootStr = realRoot ? std::string(realRoot) + "/" : root + "/";
  free(realRoot);
  std::vector<std::string> out;
  for (const std::string &f : w.files) {
    bool selected = false;
    for (const Pattern &p : pats)
      if (patternMatches(p, f))
        selected = !p.negate;
    if (!selected)
      continue;
    // Files that resolve outside the workspace are skipped, as the runner does.
    char *real = realpath((root + "/" + f).c_str(), nullptr);
    bool inside = real && llvm::StringRef(real).startswith(realRootStr);
    free(real);
    if (inside)
      out.push_back(f);
  }
  std::sort(out.begin(), out.end());
  return out;
}

llvm::Expected<std::string> hashFiles(llvm::StringRef workspace,
                                      llvm::ArrayRef<std::string> patterns) {
  auto files = matchWorkspaceFiles(workspace, patterns);
  if (!files)
    return files.takeError();
  if (files->empty())
    return std::string();
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX *)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::string root = workspace.rtrim('/').str();
  for (const std::string &f : *files) {
    unsigned char digest[32];
    if (!sha256File(root + "/" + f, digest))
      return llvm::createStringError(std::errc::io_error, "cannot read '%s'", f.c_str());
    EVP_DigestUpdate(ctx.get(), digest, sizeof digest);
  }
  unsigned char total[32];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx.get(), total, &len);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < len; ++i) {
    hex += kHex[total[i] >> 4];
    hex += kHex[total[i] & 15];
  }
  return hex;
}

void addHashFilesFunction(ir::FunctionTableHost &host, std::string workspace) {
  host.set("hashFiles", [workspace](llvm::ArrayRef<ir::Value> args, ir::Value &out,
                                    std::string &error) {
    std::vector<std::string> patterns;
    for (const ir::Value &a : args)
      patterns.push_back(a.toString());
    auto h = hashFiles(workspace, patterns);
    if (!h) {
      error = "hashFiles('" + llvm::join(patterns, "', '") + "') failed: " +
              llvm::toString(h.takeError());
      return false;
    }
    out = ir::Value::string(*h);
    return true;
  });
}

} // namespace runtime
