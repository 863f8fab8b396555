target_sources(nbaops_ui PRIVATE app/mainwindow.h app/mainwindow.cpp app/consoleapp.h app/consoleapp.cpp
    app/firststart.h app/firststart.cpp)
