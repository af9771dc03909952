#!/usr/bin/env python3
"""vnd.sift.attachment on real archives (docs/ATTACHMENTS.md "Tests").

Messages are built here from Debian's clamav-testfiles (harmless files in
real zip, 7z, cab, tar.gz, cpio and ARJ containers, each holding
clam.exe) and from archives made by bsdtar, 7z and gcab in a temporary
directory: nested, header-encrypted, password-protected, truncated, a
tar.gz bomb, 100,000 members, tricky names. Nothing is committed but this
script. Each expectation was worked out by hand from the archive's listing
(`bsdtar tf`, `7z l`) and the rules of docs/EXTENSIONS.md; the tools and
files come with scripts/install-deps.

Usage: attachment_corpus.py SIFT_BINARY"""
import base64
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import unittest
import zipfile
import zlib

SIFT = None
CLAMAV = "/usr/share/clamav-testfiles"

SCRIPT = """require ["vnd.sift.attachment", "vnd.sift.defects", "variables", "reject", "fileinto"];
if attachment :extension ["exe", "com", "scr", "js", "bat", "vbs"] {
    reject "forbidden attachment type (.${1} in ${2}) at ${3}";
    stop;
}
if defect :matches ["archive_*", "attachment_name_*"] {
    fileinto "Uninspected";
}
"""


def message(parts):
    """A multipart/mixed message; parts are (headers, bytes) pairs, each
    sent in base64."""
    out = [
        "From: a@example.com\r\nTo: b@example.net\r\nSubject: corpus\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="c"\r\n\r\n--c\r\nContent-Type: text/plain\r\n\r\nfiles\r\n'
    ]
    for headers, data in parts:
        body = base64.encodebytes(data).decode().replace("\n", "\r\n")
        out.append("--c\r\n" + headers + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body)
    out.append("--c--\r\n")
    return "".join(out)


def attached(name, data, ctype="application/octet-stream"):
    return message([('Content-Type: %s\r\nContent-Disposition: attachment; filename="%s"' % (ctype, name), data)])


def rar4(members):
    """A RAR 4 archive of stored members, written byte by byte (no free
    tool writes RAR): marker, archive header, one file header per member
    (method 0x30, store), end block; each header's CRC is the low 16 bits
    of the CRC-32 of the header from its type on (RAR's technote.txt)."""

    def block(htype, flags, body):
        head = struct.pack("<BHH", htype, flags, 7 + len(body)) + body
        return struct.pack("<H", zlib.crc32(head) & 0xFFFF) + head

    out = b"Rar!\x1a\x07\x00" + block(0x73, 0, struct.pack("<HI", 0, 0))
    for name, data in members:
        n = name.encode()
        fields = struct.pack("<IIBIIBBHI", len(data), len(data), 0, zlib.crc32(data), 0x5C210000, 20, 0x30, len(n), 0x20)
        out += block(0x74, 0x8000, fields + n) + data
    return out + block(0x7B, 0x4000, b"")


def read(path):
    with open(path, "rb") as f:
        return f.read()


class Corpus(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("bsdtar", "7z", "gcab"):
            if not shutil.which(tool):
                raise RuntimeError(tool + " is missing: run scripts/install-deps")
        if not os.path.isdir(CLAMAV):
            raise RuntimeError(CLAMAV + " is missing: run scripts/install-deps (clamav-testfiles)")
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        cls.script = os.path.join(cls.dir, "policy.sieve")
        with open(cls.script, "w") as f:
            f.write(SCRIPT)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, *names):
        return os.path.join(self.dir, *names)

    def run_on(self, text):
        msg = self.path("msg.eml")
        with open(msg, "w", newline="") as f:
            f.write(text)
        p = subprocess.run(
            [SIFT, "run", "--json", "--from", "a@example.com", "--to", "b@example.net", self.script, msg],
            capture_output=True,
            text=True,
        )
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def verdict(self, text):
        """The reject reason, "Uninspected", or "keep"; and the defects."""
        r = self.run_on(text)
        first = r["actions"][0]
        if first["action"] == "reject":
            what = first["reason"]
        elif first["action"] == "fileinto":
            what = first["mailbox"]
        else:
            what = first["action"]
        return what, [(d["name"], d["detail"]) for d in r["defects"]]

    def tool(self, *args, cwd=None):
        p = subprocess.run(args, cwd=cwd or self.dir, capture_output=True)
        self.assertEqual(p.returncode, 0, p.stderr.decode(errors="replace"))

    def fresh(self, name):
        d = self.path(name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        return d

    # clamav-testfiles: each archive holds clam.exe (bsdtar tf / 7z l).
    def test_clamav_archives(self):
        cases = {
            "clam.zip": "clam.zip/clam.exe",
            "clam.7z": "clam.7z/clam.exe",
            "clam.cab": "clam.cab/clam.exe",
            "clam.tar.gz": "clam.tar.gz/clam.exe",
            "clam.newc.cpio": "clam.newc.cpio/clam.exe",
            "clam.odc.cpio": "clam.odc.cpio/clam.exe",
            "clam.bin-le.cpio": "clam.bin-le.cpio/clam.exe",
            "clam.bin-be.cpio": "clam.bin-be.cpio/clam.exe",
            "clam.bz2.zip": "clam.bz2.zip/clam.exe",  # a bzip2-compressed member
            "clam.exe.bz2": "clam.exe.bz2/clam.exe",  # a single compressed file
        }
        for name, path in cases.items():
            with self.subTest(name):
                what, defects = self.verdict(attached(name, read(os.path.join(CLAMAV, name))))
                self.assertEqual(what, "forbidden attachment type (.exe in %s) at %s" % (name, path))
                self.assertEqual(defects, [])

    def test_rar(self):
        data = rar4([("docs\\readme.txt", b"hello\n"), ("docs\\setup.exe", b"MZ")])
        rar = self.path("files.rar")
        with open(rar, "wb") as f:
            f.write(data)
        # 7-Zip, another reader, lists the same two members.
        listing = subprocess.run(["7z", "l", rar], capture_output=True, text=True).stdout
        self.assertIn("docs/setup.exe", listing.replace("\\", "/"))
        what, defects = self.verdict(attached("files.rar", data, "application/vnd.rar"))
        self.assertEqual(what, "forbidden attachment type (.exe in files.rar) at files.rar/docs/setup.exe")
        self.assertEqual(defects, [])

    def test_clamav_zip_methods_libarchive_lacks(self):
        # Imploded (method 6) and deflate64 (method 9) members: their names
        # are in the directory, their content cannot be read.
        for name, member, method in (
            ("clam.impl.zip", "CLAM.EXE", "6: imploded"),
            ("clam.d64.zip", "clam.exe", "9: deflation-64-bit"),
        ):
            with self.subTest(name):
                what, defects = self.verdict(attached(name, read(os.path.join(CLAMAV, name))))
                self.assertEqual(what, "forbidden attachment type (.exe in %s) at %s/%s" % (name, name, member))
                self.assertEqual(
                    defects,
                    [
                        (
                            "archive_unreadable",
                            "part 2: %s/%s: Unsupported ZIP compression method (%s)" % (name, member, method),
                        )
                    ],
                )

    def test_clamav_arj_is_unreadable(self):
        # libarchive has no ARJ reader: the policy must hear of it.
        what, defects = self.verdict(attached("clam.arj", read(os.path.join(CLAMAV, "clam.arj"))))
        self.assertEqual(what, "Uninspected")
        self.assertEqual([d[0] for d in defects], ["archive_unreadable"])
        self.assertTrue(defects[0][1].startswith("part 2: clam.arj: "), defects[0][1])

    def test_clamav_tgz_tower_meets_the_depth_quota(self):
        # clam_cache_emax.tgz holds clam01.tgz and clam02.tgz; clamNN.tgz
        # holds clam(NN+1).tgz, and clam08.tgz holds clam.exe: nine levels.
        # At depth 5 the sixth archive of each chain is not opened.
        name = "clam_cache_emax.tgz"
        what, defects = self.verdict(attached(name, read(os.path.join(CLAMAV, name))))
        self.assertEqual(what, "Uninspected")
        chain1 = "clam_cache_emax.tgz/clam01.tgz/clam02.tgz/clam03.tgz/clam04.tgz/clam05.tgz"
        chain2 = "clam_cache_emax.tgz/clam02.tgz/clam03.tgz/clam04.tgz/clam05.tgz/clam06.tgz"
        self.assertEqual(
            defects,
            [
                ("archive_quota_exceeded", "part 2: %s: archive nested deeper than 5 levels: not opened" % chain1),
                ("archive_quota_exceeded", "part 2: %s: archive nested deeper than 5 levels: not opened" % chain2),
            ],
        )

    def test_nested_archives_made_by_bsdtar_and_7z(self):
        d = self.fresh("nested")
        os.makedirs(os.path.join(d, "in", "scripts"))
        with open(os.path.join(d, "in", "scripts", "Update.JS"), "w") as f:
            f.write("WScript.Echo(1)\n")
        self.tool("7z", "a", "-bd", "../inner.7z", "scripts", cwd=os.path.join(d, "in"))
        self.tool("bsdtar", "-a", "-cf", "middle.zip", "inner.7z", cwd=d)
        self.tool("bsdtar", "-cJf", "outer.tar.xz", "middle.zip", cwd=d)
        what, defects = self.verdict(attached("Backup.tar.xz", read(os.path.join(d, "outer.tar.xz"))))
        self.assertEqual(
            what, "forbidden attachment type (.js in Backup.tar.xz) at Backup.tar.xz/middle.zip/inner.7z/scripts/Update.JS"
        )
        self.assertEqual(defects, [])
        # The JSON lists every file on the way (7z stores the directory
        # "scripts" too, which is no file).
        r = self.run_on(attached("Backup.tar.xz", read(os.path.join(d, "outer.tar.xz"))))
        self.assertEqual(
            [(f["name"], f["path"], f["depth"]) for f in r["attachments"]],
            [
                ("backup.tar.xz", "Backup.tar.xz", 0),
                ("middle.zip", "Backup.tar.xz/middle.zip", 1),
                ("inner.7z", "Backup.tar.xz/middle.zip/inner.7z", 2),
                ("update.js", "Backup.tar.xz/middle.zip/inner.7z/scripts/Update.JS", 3),
            ],
        )

    def test_cab_and_iso_with_double_extensions(self):
        d = self.fresh("double")
        with open(os.path.join(d, "photo.jpg.scr"), "wb") as f:
            f.write(b"MZ")
        self.tool("gcab", "-c", "pics.cab", "photo.jpg.scr", cwd=d)
        what, _ = self.verdict(attached("pics.cab", read(os.path.join(d, "pics.cab"))))
        self.assertEqual(what, "forbidden attachment type (.scr in pics.cab) at pics.cab/photo.jpg.scr")
        self.tool("bsdtar", "--format", "iso9660", "-cf", "pics.iso", "photo.jpg.scr", cwd=d)
        what, _ = self.verdict(attached("pics.iso", read(os.path.join(d, "pics.iso"))))
        self.assertEqual(what, "forbidden attachment type (.scr in pics.iso) at pics.iso/photo.jpg.scr")

    def test_tricky_member_names(self):
        d = self.fresh("tricky")
        names = ["invoice\u202efdp.exe", "report.pdf.    ", "zero\u200bwidth.txt"]
        for n in names:
            with open(os.path.join(d, n), "wb") as f:
                f.write(b"x")
        self.tool("7z", "a", "-bd", "-tzip", "names.zip", *names, cwd=d)
        r = self.run_on(attached("names.zip", read(os.path.join(d, "names.zip"))))
        # 7z stores the names in the order given; the first with a
        # forbidden extension is the bidi one, matched without U+202E.
        self.assertEqual(
            r["actions"][0]["reason"], "forbidden attachment type (.exe in names.zip) at names.zip/invoicefdp.exe"
        )
        self.assertEqual(
            [(d["name"], d["detail"]) for d in r["defects"]],
            [
                (
                    "attachment_name_bidi",
                    'part 2: names.zip/invoicefdp.exe: direction controls removed from the name '
                    '(it is matched as "invoicefdp.exe")',
                ),
                (
                    "attachment_name_invisible",
                    'part 2: names.zip/zerowidth.txt: zero-width or control characters removed from the name '
                    '(it is matched as "zerowidth.txt")',
                ),
            ],
        )

    def test_encrypted_7z_hides_its_names(self):
        d = self.fresh("secret")
        with open(os.path.join(d, "payload.exe"), "wb") as f:
            f.write(b"MZ")
        self.tool("7z", "a", "-bd", "-pinfected", "-mhe=on", "hidden.7z", "payload.exe", cwd=d)
        what, defects = self.verdict(attached("hidden.7z", read(os.path.join(d, "hidden.7z"))))
        self.assertEqual(what, "Uninspected")  # payload.exe cannot be seen
        self.assertEqual([x[0] for x in defects], ["archive_encrypted"])
        # Without -mhe the names are visible, the content is not.
        self.tool("7z", "a", "-bd", "-pinfected", "visible.7z", "payload.exe", cwd=d)
        r = self.run_on(attached("visible.7z", read(os.path.join(d, "visible.7z"))))
        self.assertEqual(r["actions"][0]["reason"], "forbidden attachment type (.exe in visible.7z) at visible.7z/payload.exe")
        self.assertEqual([x["name"] for x in r["defects"]], ["archive_encrypted"])

    def test_truncated_archives(self):
        d = self.fresh("cut")
        blob = bytes((i * 7919 ^ (i >> 3)) & 0xFF for i in range(300000))
        with open(os.path.join(d, "first.bin"), "wb") as f:
            f.write(blob)
        with open(os.path.join(d, "second.exe"), "wb") as f:
            f.write(b"MZ")
        self.tool("bsdtar", "-czf", "both.tar.gz", "first.bin", "second.exe", cwd=d)
        data = read(os.path.join(d, "both.tar.gz"))
        what, defects = self.verdict(attached("both.tar.gz", data[: len(data) // 2]))
        self.assertEqual(what, "Uninspected")  # second.exe is past the cut
        self.assertEqual([x[0] for x in defects], ["archive_truncated"])
        self.assertTrue(defects[0][1].startswith("part 2: both.tar.gz"), defects[0][1])

    def test_bomb_and_100000_members(self):
        # 32 MiB of zeros in a tar.gz: about 32 KiB, a ratio near 1000.
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as t:
            info = tarfile.TarInfo("zeros.bin")
            info.size = 32 << 20
            t.addfile(info, io.BytesIO(bytes(32 << 20)))
            info = tarfile.TarInfo("after.exe")
            info.size = 2
            t.addfile(info, io.BytesIO(b"MZ"))
        what, defects = self.verdict(attached("bomb.tar.gz", buf.getvalue()))
        self.assertEqual(what, "Uninspected")
        self.assertEqual([x[0] for x in defects], ["archive_quota_exceeded"])
        self.assertIn("expands more than 200 times", defects[0][1])
        # 100,000 members: the 10,001st is past max_entries.
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
            for i in range(100000):
                z.writestr("f%d.txt" % i, b"")
            z.writestr("last.exe", b"MZ")
        what, defects = self.verdict(attached("many.zip", buf.getvalue()))
        self.assertEqual(what, "Uninspected")
        self.assertEqual(
            defects, [("archive_quota_exceeded", "part 2: many.zip: more than 10000 archive members in the message")]
        )

    def test_office_files_and_outlook_names(self):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", "<w:document/>")
            z.writestr("word/embeddings/oleObject1.exe", b"MZ")
        docx = buf.getvalue()
        # RFC 2047 in a quoted filename, as Outlook writes it: "Bericht.docx".
        name = "=?utf-8?B?" + base64.b64encode("Bericht.docx".encode()).decode() + "?="
        what, defects = self.verdict(attached(name, docx))
        self.assertEqual((what, defects), ("keep", []))
        # RFC 2231 with a charset: "ärger.exe" in ISO-8859-1.
        text = message(
            [("Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=iso-8859-1''%E4rger.exe", b"MZ")]
        )
        what, _ = self.verdict(text)
        self.assertEqual(what, "forbidden attachment type (.exe in \u00e4rger.exe) at \u00e4rger.exe")


if __name__ == "__main__":
    SIFT = sys.argv.pop(1)
    unittest.main()
