"""Plans that travel: MS Project XML (MSPDI) and Excel exports of an outlook, and imports back into a spec.

- :mod:`.mspdi` writes MS Project XML and reads it (stdlib-free parsing with
  lxml, entities off);
- :mod:`.xlsx` writes the PMO workbook (XlsxWriter) and reads its task sheet
  (openpyxl);
- :mod:`.table` is the task sheet's columns, shared by the workbook and CSV;
- :mod:`.plan` is a plan as another tool holds it, the common ground of the
  readers and of :mod:`.importing`;
- :mod:`.importing` turns such a plan into a spec, or takes its progress and
  actual dates into an existing spec.
"""
