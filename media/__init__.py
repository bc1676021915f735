"""Camera, microphone and network sources, and the pre-flight and live checks.

The checks (``exposure``, ``framing``, ``focus``, ``colour``, ``audio_levels``,
``voice``, ``mic_checks``, ``network``) are pure functions on NumPy arrays: no
I/O, no clock, no global state. The sources (``camera``, ``microphone``,
``net_probe``) and the threaded face detector (``face_worker``) are the thin
adapters around them. ``preflight`` ties a window of frames and samples to a
list of :class:`media.results.CheckResult`.

Importing ``media`` itself imports nothing heavy; import the submodule you need.
Results carry message keys and parameters; ``text`` puts them into words.

Comments cite the measured facts behind each threshold as "research §n": the
sections of docs/research/preflight-anchors.md, with their sources.
"""
