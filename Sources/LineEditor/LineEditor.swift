// LineEditor: prompt, history, completion and interrupt over libedit.
import CEditLine
