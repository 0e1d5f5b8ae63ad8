"""The checklists a government starts from, transcribed from Perwal Kota Tangerang 62/2018.

They are data: each government holds its own copy (``ChecklistItem``), which its city
administrator may edit, retire or replace with the items of its own regulation. Serang's
regulation sets no such lists; it starts from the same text until it loads its own.
"""

from __future__ import annotations

# T Lampiran II II.2.d: "Beberapa kriteria tolok ukur keberhasilan implementasi budaya kerja".
SUCCESS_CRITERIA = [
    ("terjadinya perbaikan kebijakan dan pelayanan publik.", "T Lampiran II II.2.d angka 1)"),
    (
        "terjadinya perbaikan sistem manajemen dan pelayanan masyarakat.",
        "T Lampiran II II.2.d angka 2)",
    ),
    ("terjadinya efektivitas pengawasan dan penegakan hukum.", "T Lampiran II II.2.d angka 3)"),
    (
        "membentuk role model, agen perubahan, dan kelompok integritas.",
        "T Lampiran II II.2.d angka 4)",
    ),
]

# T Lampiran II IV: "Pengembangan dan penerapan Budaya Kerja dapat berhasil apabila terpenuhinya".
# Angka 3 reads "panutan/ccontoh" in the published text; the typing error is corrected here.
CONDITIONS = [
    ("Komitmen dari Pimpinan tertinggi OPD;", "T Lampiran II IV angka 1"),
    (
        "Nilai-nilai pembentuk sikap perilaku positif dan produktif yang telah dirumuskan dan "
        "akan diterapkan dapat dimengerti dan dipahami dengan mudah oleh seluruh Pimpinan dan PNS;",
        "T Lampiran II IV angka 2",
    ),
    (
        "Pimpinan pada setiap jenjang menjadi panutan/contoh penerapan nilai-nilai di "
        "lingkungan OPD;",
        "T Lampiran II IV angka 3",
    ),
    (
        "Antara Pimpinan dan PNS saling percaya, saling terbuka, dan menerima perubahan "
        "kebijakan serta metoda kerja yang baru yang lebih efektif;",
        "T Lampiran II IV angka 4",
    ),
    (
        "Budaya Kerja harus terkait langsung dengan kepentingan pelaksanaan tugas, pekerjaan, "
        "dan masalah-masalah yang dihadapi bersama oleh OPD; serta",
        "T Lampiran II IV angka 5",
    ),
    (
        "Budaya Kerja diterapkan secara konsisten, disiplin, dan berkelanjutan.",
        "T Lampiran II IV angka 6",
    ),
]

DEFAULT_SOURCE = "Peraturan Wali Kota Tangerang Nomor 62 Tahun 2018"
