"""The accuracy tasks of ``benchmarks/accuracy.py``: one module per task, one small interface.

A task module has:

- ``NAME`` (str): the task's name, as ``--only`` takes it (``"stories"``).
- ``DATA`` (tuple of str): the data keys it reads, keys of ``_common.DATA_FILES``
  (``"stories"``, ``"parallel"``, ``"ner_fr"``, ``"ner_en"``, ``"hipe_tsv"``, ``"frames"``).
  Add a key there (file under the data folder, command-line option) for new data.
- ``run(paths, *, quick=False, **options) -> list[dict]``. ``paths`` maps each key of
  ``DATA`` to the ``Path`` the runner resolved (``--data`` folder or a per-file option);
  ``_common.present(paths, key)`` gives it when the file exists, else None: the task then
  returns a ``_common.skipped(NAME, key, paths[key])`` row for that part and carries on. ``quick``
  asks for a small subset (smoke tests). ``options`` carries the runner's settings
  (``engine``, ``cache_dir`` for ``tk.annotate``, ``log`` for progress lines); accept
  and ignore what you do not use.
- ``PROTOCOL`` (str, markdown): how the task measures, written once for the report.

Each returned row is ``_common.row(...)``: ``task``, ``data`` (what was read, with its
size), ``protocol`` (short, one line), ``metric``, ``baseline`` (name), ``baseline_value``,
``toolkit_value`` (floats in [0, 1] or None), ``target`` (text or ''), ``met`` (bool or
None), ``seconds``, and ``note`` (free text). Every baseline is computed in the same run
as the toolkit figure it is compared with. Tasks use only ``import toolkit as tk``
(public API) plus scikit-learn, spaCy and the sentence encoder as baselines.

Tasks run in the order of ``TASKS``; add a module and list it there.
"""

from benchmarks.accuracy_tasks import alignment, cleaning, frames, linking, ner, speakers, stories

#: Every task, in the order the harness runs them.
TASKS = {module.NAME: module for module in (stories, alignment, ner, linking, speakers, frames, cleaning)}
